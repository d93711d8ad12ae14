/** The three runtimes, each started as a real process serving the gateway on a loopback port. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

export const RUNTIMES: Runtime[] = [
  {
    name: 'node',
    start: (env) => spawnGateway(systemNode(), ['--import', 'tsx', 'src/index.ts'], env),
  },
  {
    name: 'bun',
    start: (env) => spawnGateway(bin('bun'), ['src/bun.ts'], env),
  },
  {
    name: 'workerd',
    start: (env) =>
      spawnGateway(
        bin('wrangler'),
        ['dev', '--ip', '127.0.0.1', '--port', '0', '--inspector-port', '0', ...Object.entries(env).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
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
