/** The three runtimes, each started as a real process serving the gateway on a loopback port. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
