/**
 * The three runtimes, each started as a real process serving the gateway on a loopback port. None reads a
 * developer's `.env` or `.dev.vars` in the checkout: a test's gateway has the configuration the test gave it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { ROOT, spawnGateway, type ChildGateway } from './helpers.js';

export interface Runtime {
  name: 'node' | 'bun' | 'workerd';
  start(env: Record<string, string>): Promise<ChildGateway>;
}

/** The machine's own Node (v20 on CI), not the Node 24 that runs the tests: the gateway must run on it. */
export function systemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (existsSync(candidate)) return candidate;
  }
  return process.execPath;
}

export const nodeVersion = (bin: string) => execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/** tsx's loader by its file URL, so that Node can load it from a working directory outside the checkout. */
const TSX = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;

/**
 * The Node gateway started from an empty directory of its own (the Node entry reads `./.env` at start-up),
 * removed when the gateway exits (or fails to start).
 */
async function startNodeOutsideCheckout(env: Record<string, string>): Promise<ChildGateway> {
  const cwd = mkdtempSync(join(tmpdir(), 'mini-llm-test-'));
  const remove = () => rmSync(cwd, { recursive: true, force: true });
  try {
    const gw = await spawnGateway(systemNode(), ['--import', TSX, join(ROOT, 'src/index.ts')], env, { cwd });
    void gw.exited.then(remove);
    return gw;
  } catch (err) {
    remove();
    throw err;
  }
}

export const RUNTIMES: Runtime[] = [
  {
    name: 'node',
    start: startNodeOutsideCheckout,
  },
  {
    name: 'bun',
    // Bun reads `.env`, `.env.local`, ... in its working directory unless told not to.
    start: (env) => spawnGateway(bin('bun'), ['--no-env-file', 'src/bun.ts'], env),
  },
  {
    name: 'workerd',
    // With `--env-file`, wrangler reads neither `.dev.vars` nor `.env` next to wrangler.toml (for the Worker's
    // bindings), nor `.env` in its working directory (for its own environment): only the (empty) file given.
    start: (env) =>
      spawnGateway(
        bin('wrangler'),
        ['dev', '--ip', '127.0.0.1', '--port', '0', '--inspector-port', '0', '--env-file', '/dev/null', ...Object.entries(env).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
        { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', ...env },
        { ready: /Ready on (http:\/\/\S+)/, group: true, timeoutMs: 60_000 },
      ),
  },
];

export interface GatewayOn<C> {
  readonly gw: ChildGateway;
  readonly url: string;
  readonly client: C;
}

/**
 * In a describe block: the gateway on `runtime`, started before its tests with `env()` (called then, so it may
 * read servers an outer beforeAll started) and stopped after them, with `client(url)` made for it.
 */
export function gatewayOn<C>(runtime: Runtime, env: () => Record<string, string>, client: (url: string) => C, timeoutMs?: number): GatewayOn<C> {
  let gw: ChildGateway | undefined;
  let made: C | undefined;
  beforeAll(async () => {
    gw = await runtime.start(env());
    made = client(gw.url);
  }, timeoutMs);
  afterAll(async () => {
    await gw?.stop();
  });
  const started = () => {
    if (!gw) throw new Error(`gatewayOn(${runtime.name}): used before its beforeAll ran`);
    return gw;
  };
  return {
    get gw() {
      return started();
    },
    get url() {
      return started().url;
    },
    get client() {
      started();
      return made as C;
    },
  };
}
