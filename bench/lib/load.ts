/**
 * Non-streaming load: req/s with wrk or autocannon (single runs, or interleaved rounds for side-by-side
 * comparisons) and per-request latency at 1 connection.
 */
import { writeFileSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { P, TMP, TOOL, WRK } from './options.js';
import { run } from './processes.js';
import { pct } from './stats.js';

export interface RpsResult {
  rps: number;
  errors: number;
  non2xx: number;
  /** Each round's figure, when measured in rounds. */
  samples?: number[];
}

type Autocannon = (opts: Record<string, unknown>) => Promise<{ requests: { average: number; total: number }; duration: number; errors: number; timeouts: number; non2xx: number }>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export async function loadOnce(url: string, body: string, connections: number, seconds: number, path = '/v1/chat/completions'): Promise<RpsResult> {
  const target = `${url}${path}`;
  if (TOOL === 'wrk' && WRK) {
    const script = join(TMP, 'post.lua');
    writeFileSync(script, `wrk.method = "POST"\nwrk.body = [==[${body}]==]\nwrk.headers["Content-Type"] = "application/json"\n`);
    const { stdout } = await run(WRK, ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '-s', script, target], { timeoutMs: (seconds + 30) * 1000 });
    const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? 0);
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
    return {
      rps: num(/Requests\/sec:\s+([\d.]+)/),
      non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
      errors: sock ? Number(sock[1]) + Number(sock[3]) + Number(sock[4]) : 0,
    };
  }
  const r = await autocannon({ url: target, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds, pipelining: 1 });
  return { rps: r.requests.total / r.duration, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

export async function throughput(url: string, body: string, connections = 64): Promise<RpsResult> {
  await loadOnce(url, body, connections, P.warmSeconds);
  return loadOnce(url, body, connections, P.rpsSeconds);
}

/**
 * req/s of several targets measured in interleaved rounds (each round visits every target, in a rotating
 * order), each target's median kept: on a 2-core VM a figure drifts by ±15% between runs, so a reference and
 * the gateway are compared only as measured side by side.
 */
export async function compareThroughput(targets: Array<[name: string, url: string, body: string, path?: string]>, connections = 64): Promise<Record<string, RpsResult>> {
  for (const [, url, body, path] of targets) await loadOnce(url, body, connections, P.warmSeconds, path);
  const samples = new Map<string, RpsResult[]>(targets.map(([name]) => [name, []]));
  for (let round = 0; round < P.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const [name, url, body, path] = targets[(i + round) % targets.length];
      samples.get(name)!.push(await loadOnce(url, body, connections, P.rpsSeconds, path));
    }
  }
  const out: Record<string, RpsResult> = {};
  for (const [name, list] of samples) {
    const sorted = [...list].sort((a, b) => a.rps - b.rps);
    out[name] = { ...sorted[Math.floor(sorted.length / 2)], samples: list.map((r) => Math.round(r.rps)) };
  }
  return out;
}

export function post(agent: Agent, url: string, body: string, onResponse: (res: IncomingMessage) => void, onError: (e: Error) => void) {
  const u = new URL(`${url}/v1/chat/completions`);
  const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, onResponse);
  req.on('error', onError);
  req.end(body);
}

/**
 * Latency at 1 connection, measured per request with hrtime (autocannon's histogram has 1 ms resolution,
 * too coarse for a 150 µs budget). Sequential requests over one keep-alive connection.
 */
export async function latency1(url: string, body: string, n: number): Promise<{ p50: number; p99: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const one = () =>
    new Promise<number>((resolve) => {
      const t0 = process.hrtime.bigint();
      post(
        agent,
        url,
        body,
        (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve(res.statusCode === 200 ? Number(process.hrtime.bigint() - t0) / 1000 : -1));
        },
        () => resolve(-1),
      );
    });
  for (let i = 0; i < Math.min(500, n); i++) await one();
  const samples: number[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const us = await one();
    if (us < 0) errors++;
    else samples.push(us);
  }
  agent.destroy();
  samples.sort((a, b) => a - b);
  return { p50: pct(samples, 50), p99: pct(samples, 99), errors };
}
