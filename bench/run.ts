/**
 * `npm run bench` — the gateway's performance, measured beside its references in one run, stated as ratios.
 *
 *   npm run bench               full run (~2–3 min)
 *   npm run bench -- --quick    CI smoke: a few seconds per section, 100 streams instead of 1,000
 *
 * Options: --tool=wrk|autocannon (load generator for req/s; default wrk when installed, else autocannon),
 * --no-build (use the existing dist/), --node-entry=PATH (Node gateway entry, default dist/index.js),
 * --bun-entry=PATH (default src/bun.ts), --node-args='FLAGS' (V8/Node flags for the Node gateway),
 * --skip=bun,worker,startup,streams (leave sections out).
 *
 * Every process (mock, references, gateways) is a real child on 127.0.0.1, stopped by PID at the end, also on
 * failure. Writes bench/results.json and prints one markdown table.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { anthropicEvents } from './mock-upstream.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BENCH = new URL('.', import.meta.url).pathname;
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const QUICK = flag('quick');
const SKIP = new Set((option('skip') ?? '').split(',').filter(Boolean));
const BUN = join(ROOT, 'node_modules/.bin/bun');
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
const TOOL = option('tool') ?? (WRK ? 'wrk' : 'autocannon');
const NODE_ENTRY = option('node-entry') ?? 'dist/index.js';
const NODE_ENTRY_PATH = NODE_ENTRY.startsWith('/') ? NODE_ENTRY : join(ROOT, NODE_ENTRY);
const BUN_ENTRY = option('bun-entry') ?? join(ROOT, 'src/bun.ts');
/** Extra flags for the Node gateway process (experiments), e.g. --node-args=--max-semi-space-size=2 */
const NODE_ARGS = (option('node-args') ?? '').split(' ').filter(Boolean);
const TMP = mkdtempSync(join(tmpdir(), 'mini-llm-bench-'));

/** Durations and sizes: the full run, or the CI smoke. */
const P = QUICK
  ? { rounds: 1, rpsSeconds: 1, warmSeconds: 1, latencyRequests: 300, streamConcurrency: 4, streamSeconds: 1.5, chunks: 5, gapMs: 20, manyStreams: 100, manyChunks: 5, manyGapMs: 100, startupRuns: 1, translateEvents: 2000 }
  : { rounds: 3, rpsSeconds: 4, warmSeconds: 4, latencyRequests: 3000, streamConcurrency: 16, streamSeconds: 8, chunks: 20, gapMs: 50, manyStreams: 1000, manyChunks: 20, manyGapMs: 100, startupRuns: 5, translateEvents: 20000 };

// ---------------------------------------------------------------------------------------------- processes

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  /** Resident set size in bytes (Linux /proc), or undefined. */
  rss(): number | undefined;
  stop(): Promise<void>;
}

const live = new Map<number, { child: ChildProcess; group: boolean }>();
const signalProc = (pid: number, group: boolean, sig: NodeJS.Signals) => {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // already gone
  }
};
const killAll = () => live.forEach((p, pid) => signalProc(pid, p.group, 'SIGKILL'));
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function startProc(name: string, cmd: string, argv: string[], env: Record<string, string>, opts: { cwd?: string; group?: boolean; timeoutMs?: number } = {}): Promise<Proc & { readyMs: number }> {
  const t0 = performance.now();
  const child = spawn(cmd, argv, {
    cwd: opts.cwd ?? TMP,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? TMP, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.group === true,
  });
  const pid = child.pid!;
  live.set(pid, { child, group: opts.group === true });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  exited.then(() => live.delete(pid));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signalProc(pid, opts.group === true, 'SIGKILL');
      reject(new Error(`${name} did not start within ${opts.timeoutMs ?? 20_000} ms\nstdout: ${out}\nstderr: ${err}`));
    }, opts.timeoutMs ?? 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before starting\nstdout: ${out}\nstderr: ${err}`));
    });
    child.stdout!.on('data', (d) => {
      if (out.length > 8000) return;
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      out = '\u0000'.repeat(9000); // stop matching
      resolve({
        name,
        child,
        url: m[1],
        readyMs: performance.now() - t0,
        rss: () => rssOf(pid),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          signalProc(pid, opts.group === true, 'SIGTERM');
          const t = setTimeout(() => signalProc(pid, opts.group === true, 'SIGKILL'), 3000);
          await exited;
          clearTimeout(t);
          if (opts.group) signalProc(pid, true, 'SIGKILL');
        },
      });
    });
  });
}

const tsxNode = (file: string): [string, string[]] => [process.execPath, ['--import', import.meta.resolve('tsx'), join(BENCH, file)]];

// ---------------------------------------------------------------------------------------------- load

interface RpsResult {
  rps: number;
  errors: number;
  non2xx: number;
  /** Each round's figure, when measured in rounds. */
  samples?: number[];
}

type Autocannon = (opts: Record<string, unknown>) => Promise<{ requests: { average: number; total: number }; duration: number; errors: number; timeouts: number; non2xx: number }>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function run(cmd: string, argv: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, argv, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
    if (child.pid) live.set(child.pid, { child, group: false });
    child.once('exit', () => child.pid && live.delete(child.pid));
  });
}

async function loadOnce(url: string, body: string, connections: number, seconds: number): Promise<RpsResult> {
  const target = `${url}/v1/chat/completions`;
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

async function throughput(url: string, body: string, connections = 64): Promise<RpsResult> {
  await loadOnce(url, body, connections, P.warmSeconds);
  return loadOnce(url, body, connections, P.rpsSeconds);
}

/**
 * req/s of several targets measured in interleaved rounds (each round visits every target, in a rotating
 * order), each target's median kept: on a 2-core VM a figure drifts by ±15% between runs, so a reference and
 * the gateway are compared only as measured side by side.
 */
async function compareThroughput(targets: Array<[name: string, url: string, body: string]>, connections = 64): Promise<Record<string, RpsResult>> {
  for (const [, url, body] of targets) await loadOnce(url, body, connections, P.warmSeconds);
  const samples = new Map<string, RpsResult[]>(targets.map(([name]) => [name, []]));
  for (let round = 0; round < P.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const [name, url, body] = targets[(i + round) % targets.length];
      samples.get(name)!.push(await loadOnce(url, body, connections, P.rpsSeconds));
    }
  }
  const out: Record<string, RpsResult> = {};
  for (const [name, list] of samples) {
    const sorted = [...list].sort((a, b) => a.rps - b.rps);
    out[name] = { ...sorted[Math.floor(sorted.length / 2)], samples: list.map((r) => Math.round(r.rps)) };
  }
  return out;
}

const pct = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

function post(agent: Agent, url: string, body: string, onResponse: (res: IncomingMessage) => void, onError: (e: Error) => void) {
  const u = new URL(`${url}/v1/chat/completions`);
  const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, onResponse);
  req.on('error', onError);
  req.end(body);
}

/**
 * Latency at 1 connection, measured per request with hrtime (autocannon's histogram has 1 ms resolution,
 * too coarse for a 150 µs budget). Sequential requests over one keep-alive connection.
 */
async function latency1(url: string, body: string, n: number): Promise<{ p50: number; p99: number; errors: number }> {
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

interface StreamSample {
  ttfb: number;
  ttlb: number;
  /** Time between the first and the last content event. */
  spread: number;
  intact: boolean;
}

const expectedContent = (n: number) => Array.from({ length: n }, (_, i) => `c${i} `).join('');

/** One streaming request: times in ms from sending to the first body byte and to the end; checks the content. */
function streamOnce(agent: Agent, url: string, body: string, chunks: number, onOpen?: () => void, onClose?: () => void): Promise<StreamSample> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let ttfb = NaN;
    let firstContent = NaN;
    let lastContent = NaN;
    let text = '';
    let pending = '';
    let content = '';
    let done = false;
    const fail = () => resolve({ ttfb, ttlb: NaN, spread: 0, intact: false });
    post(
      agent,
      url,
      body,
      (res) => {
        onOpen?.();
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          const now = performance.now();
          if (Number.isNaN(ttfb)) ttfb = now - t0;
          text += d;
          pending += d;
          let i: number;
          while ((i = pending.indexOf('\n\n')) >= 0) {
            const event = pending.slice(0, i);
            pending = pending.slice(i + 2);
            for (const line of event.split('\n')) {
              if (!line.startsWith('data: ')) continue;
              const data = line.slice(6);
              if (data === '[DONE]') {
                done = true;
                continue;
              }
              try {
                const c = (JSON.parse(data) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content;
                if (c) {
                  content += c;
                  if (Number.isNaN(firstContent)) firstContent = now;
                  lastContent = now;
                }
              } catch {
                content += '\u0000';
              }
            }
          }
        });
        res.on('end', () => {
          onClose?.();
          const intact = res.statusCode === 200 && done && content === expectedContent(chunks);
          resolve({ ttfb, ttlb: performance.now() - t0, spread: lastContent - firstContent, intact });
        });
        res.on('error', () => {
          onClose?.();
          fail();
        });
      },
      fail,
    );
  });
}

async function streaming(url: string, body: string, chunks: number, gapMs: number): Promise<{ ttfb: [number, number]; ttlb: [number, number]; n: number; intact: number; incremental: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: P.streamConcurrency });
  await Promise.all(Array.from({ length: P.streamConcurrency }, () => streamOnce(agent, url, body, chunks)));
  const samples: StreamSample[] = [];
  const deadline = performance.now() + P.streamSeconds * 1000;
  // The loops start staggered over one stream's duration, so requests do not arrive in bursts: this measures the
  // time a stream spends in the gateway, not queueing behind simultaneous arrivals.
  const stagger = ((chunks - 1) * gapMs) / P.streamConcurrency;
  await Promise.all(
    Array.from({ length: P.streamConcurrency }, async (_, k) => {
      await new Promise((r) => setTimeout(r, k * stagger));
      for (let i = 0; i < 10_000 && performance.now() < deadline; i++) samples.push(await streamOnce(agent, url, body, chunks));
    }),
  );
  agent.destroy();
  const ttfb = samples.map((s) => s.ttfb).sort((a, b) => a - b);
  const ttlb = samples.map((s) => s.ttlb).sort((a, b) => a - b);
  const minSpread = 0.8 * (chunks - 1) * gapMs;
  return {
    ttfb: [pct(ttfb, 50), pct(ttfb, 99)],
    ttlb: [pct(ttlb, 50), pct(ttlb, 99)],
    n: samples.length,
    intact: samples.filter((s) => s.intact).length,
    incremental: samples.filter((s) => s.spread >= minSpread).length,
  };
}

/** `count` streams opened at once through the gateway; RSS sampled while they run. */
async function manyStreams(gw: Proc, count: number, chunks: number, gapMs: number, model = `openai/sse-${chunks}-${gapMs}`) {
  const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 20 }, () => streamOnce(agent, gw.url, body, chunks)));
  await new Promise((r) => setTimeout(r, 300));
  const before = gw.rss();
  let peak = before ?? 0;
  let open = 0;
  let maxOpen = 0;
  const sampler = setInterval(() => {
    const r = gw.rss();
    if (r !== undefined && r > peak) peak = r;
  }, 20);
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: count }, () =>
      streamOnce(
        agent,
        gw.url,
        body,
        chunks,
        () => (maxOpen = Math.max(maxOpen, ++open)),
        () => open--,
      ),
    ),
  );
  clearInterval(sampler);
  agent.destroy();
  const after = gw.rss();
  return {
    count,
    ok: results.filter((r) => r.intact).length,
    maxOpen,
    seconds: (performance.now() - t0) / 1000,
    before,
    peak: before === undefined ? undefined : peak,
    after,
    perStream: before === undefined ? undefined : (peak - before) / count,
  };
}

// ---------------------------------------------------------------------------------------------- in-process

/** µs per Anthropic event through the translator, against the same chunks through one plain web stream. */
async function translationCost(n: number): Promise<{ translate: number; passthrough: number; events: number }> {
  const { anthropicToOpenAIStream } = await import('../src/providers/anthropic/stream.js');
  const enc = new TextEncoder();
  const chunks = anthropicEvents(n).map((e) => enc.encode(e));
  const source = () => {
    let i = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < chunks.length) c.enqueue(chunks[i++]);
        else c.close();
      },
    });
  };
  const drain = async (s: ReadableStream<Uint8Array>) => {
    const reader = s.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return bytes;
      bytes += value.byteLength;
    }
  };
  const time = async (make: () => ReadableStream<Uint8Array>) => {
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const t0 = performance.now();
      await drain(make());
      best = Math.min(best, performance.now() - t0);
    }
    return (best * 1000) / chunks.length;
  };
  return {
    translate: await time(() => anthropicToOpenAIStream(source(), { includeUsage: false })),
    passthrough: await time(source),
    events: chunks.length,
  };
}

async function startupTimes(label: string, cmd: string, argv: string[], env: Record<string, string>, opts: { cwd?: string; group?: boolean } = {}): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < P.startupRuns; i++) {
    const p = await startProc(label, cmd, argv, env, opts);
    times.push(p.readyMs);
    await p.stop();
  }
  times.sort((a, b) => a - b);
  return pct(times, 50);
}

// ---------------------------------------------------------------------------------------------- report

interface Row {
  section: string;
  measure: string;
  reference: string;
  gateway: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

const rows: Row[] = [];
const raw: Record<string, unknown> = {};
const f0 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(1));
const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(2));
const kb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(1)} KB`);
const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1048576).toFixed(1)} MB`);
const row = (r: Omit<Row, 'section'> & { section?: string }) => rows.push({ section: r.section ?? '', ...r });
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

function table(): string {
  const head = '| measure | reference | gateway | ratio / added | target | met? |\n|---|---|---|---|---|---|\n';
  return head + rows.map((r) => `| ${r.measure} | ${r.reference} | ${r.gateway} | ${r.ratio} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |`).join('\n');
}

const errNote = (r: RpsResult) => (r.errors + r.non2xx > 0 ? ` (${r.errors} errors, ${r.non2xx} non-2xx)` : '');

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const t0 = performance.now();
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, tool: TOOL, quick: QUICK, nodeEntry: NODE_ENTRY };
  raw.machine = machine;
  log(`${QUICK ? 'quick' : 'full'} run; ${machine.nproc} cores (${machine.cpu}), node ${machine.node}, load: ${TOOL}`);

  if (!flag('no-build')) {
    log('building dist/ (tsc -p tsconfig.build.json)');
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']).catch((e) => {
      throw new Error(`npm run build failed:\n${e.stdout}${e.stderr}`);
    });
  }
  const haveBun = existsSync(BUN) && !SKIP.has('bun');

  const mock = await startProc('mock', ...tsxNode('mock-upstream.ts'), {});
  const openaiBase = `${mock.url}/openai/v1`;
  const gwEnv = {
    MINI_LLM_PORT: '0',
    MINI_LLM_HOST: '127.0.0.1',
    MINI_LLM_LOG: 'silent',
    OPENAI_API_KEY: 'sk-bench-openai',
    OPENAI_BASE_URL: openaiBase,
    ANTHROPIC_API_KEY: 'sk-ant-bench',
    ANTHROPIC_BASE_URL: `${mock.url}/anthropic`,
  };
  const refEnv = { UPSTREAM_URL: openaiBase, UPSTREAM_KEY: 'sk-bench-openai', PORT: '0' };
  const direct = `${mock.url}/openai`; // `${direct}/v1/chat/completions` is the mock's endpoint
  const msg = [{ role: 'user', content: 'hi' }];
  const tiny = (model: string) => JSON.stringify({ model, messages: msg });
  const sse = (model: string) => JSON.stringify({ model, stream: true, messages: msg });

  // ---- non-streaming: req/s at 64 connections, latency at 1 connection
  log('non-streaming: direct, references, gateway (Node)');
  const naive = await startProc('naive-node', ...tsxNode('naive-hono-proxy.ts'), refEnv);
  const rawPipe = await startProc('raw-pipe', ...tsxNode('raw-pipe.ts'), refEnv);
  const gwNode = await startProc('gateway-node', process.execPath, [...NODE_ARGS, NODE_ENTRY_PATH], gwEnv);
  const rps: Record<string, RpsResult> = {};
  const lat: Record<string, { p50: number; p99: number; errors: number }> = {};
  const targets: [string, string, string][] = [
    ['direct', direct, tiny('bench')],
    ['naive-node', naive.url, tiny('bench')],
    ['raw-pipe', rawPipe.url, tiny('bench')],
    ['gateway-node', gwNode.url, tiny('openai/bench')],
  ];
  if (!SKIP.has('nonstream')) Object.assign(rps, await compareThroughput(targets));
  for (const [name, url, body] of SKIP.has('nonstream') ? [] : targets) {
    lat[name] = await latency1(url, body, P.latencyRequests);
    log(`  ${name}: ${f0(rps[name].rps)} req/s (median of ${rps[name].samples?.join(', ')})${errNote(rps[name])}; 1 conn p50 ${f0(lat[name].p50)} µs, p99 ${f0(lat[name].p99)} µs`);
  }
  await naive.stop();
  await rawPipe.stop();

  // ---- streaming: TTFB / TTLB over direct
  let streams: Record<string, Awaited<ReturnType<typeof streaming>>> = {};
  if (!SKIP.has('streams')) {
    log(`streaming: ${P.chunks} chunks ${P.gapMs} ms apart, ${P.streamConcurrency} concurrent, ${P.streamSeconds} s`);
    const shape = `sse-${P.chunks}-${P.gapMs}`;
    streams.direct = await streaming(direct, sse(shape), P.chunks, P.gapMs);
    streams['gateway-node'] = await streaming(gwNode.url, sse(`openai/${shape}`), P.chunks, P.gapMs);
    // ---- Anthropic translation through the Node gateway: streaming req/s vs OpenAI pass-through
    log('anthropic translation: streaming req/s (20 chunks, no delay)');
    rps['stream-openai'] = await throughput(gwNode.url, sse('openai/sse-20-0'));
    rps['stream-anthropic'] = await throughput(gwNode.url, sse('anthropic/sse-20-0'));
  }
  await gwNode.stop();

  // ---- Bun
  if (haveBun) {
    log('Bun: naive reference and gateway');
    const naiveBun = await startProc('naive-bun', BUN, [join(BENCH, 'naive-hono-proxy.ts')], refEnv);
    const gwBun = await startProc('gateway-bun', BUN, [BUN_ENTRY], gwEnv);
    if (!SKIP.has('nonstream')) {
      Object.assign(rps, await compareThroughput([['naive-bun', naiveBun.url, tiny('bench')], ['gateway-bun', gwBun.url, tiny('openai/bench')]]));
      log(`  naive-bun: ${f0(rps['naive-bun'].rps)} req/s (${rps['naive-bun'].samples?.join(', ')}); gateway-bun: ${f0(rps['gateway-bun'].rps)} req/s (${rps['gateway-bun'].samples?.join(', ')})`);
    }
    await naiveBun.stop();
    if (!SKIP.has('nonstream')) lat['gateway-bun'] = await latency1(gwBun.url, tiny('openai/bench'), P.latencyRequests);
    if (!SKIP.has('streams')) streams['gateway-bun'] = await streaming(gwBun.url, sse(`openai/sse-${P.chunks}-${P.gapMs}`), P.chunks, P.gapMs);
    await gwBun.stop();
  }
  raw.rps = rps;
  raw.latency_us = lat;
  raw.streaming_ms = streams;

  // ---- many concurrent slow streams
  let many: Awaited<ReturnType<typeof manyStreams>> | undefined;
  let manyRef: Awaited<ReturnType<typeof manyStreams>> | undefined;
  if (!SKIP.has('streams')) {
    const ref = await startProc('raw-pipe-many', ...tsxNode('raw-pipe.ts'), refEnv);
    manyRef = await manyStreams(ref, P.manyStreams, P.manyChunks, P.manyGapMs, `sse-${P.manyChunks}-${P.manyGapMs}`);
    await ref.stop();
    raw.many_streams_raw_pipe = manyRef;
    log(`${P.manyStreams} concurrent streams (${P.manyChunks} chunks ${P.manyGapMs} ms apart) through a fresh Node gateway`);
    const gw = await startProc('gateway-node-many', process.execPath, [...NODE_ARGS, NODE_ENTRY_PATH], gwEnv);
    many = await manyStreams(gw, P.manyStreams, P.manyChunks, P.manyGapMs);
    await gw.stop();
    raw.many_streams = many;
  }
  await mock.stop();

  // ---- Anthropic translation, in-process
  log('anthropic translation: µs per event');
  const tr = await translationCost(P.translateEvents);
  raw.translation_us_per_event = tr;

  // ---- start-up
  const startup: Record<string, number> = {};
  if (!SKIP.has('startup')) {
    log('start-up: node dist/index.js, bin (dist/cli.js), npm start');
    const env = { ...gwEnv, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };
    startup.built = await startupTimes('built', process.execPath, [NODE_ENTRY_PATH], env);
    startup.bin = await startupTimes('bin', process.execPath, [join(ROOT, 'dist/cli.js')], env);
    const npm = process.env.npm_execpath;
    startup.npmStart = await startupTimes('npm start', npm ? process.execPath : 'npm', npm ? [npm, 'start'] : ['start'], env, { cwd: ROOT, group: true });
    raw.startup_ms = startup;
  }

  // ---- Worker bundle
  let workerGz: number | undefined;
  let workerRaw: number | undefined;
  if (!SKIP.has('worker')) {
    log('worker bundle: wrangler deploy --dry-run');
    const out = join(TMP, 'worker');
    await run(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], { env: { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' } });
    const js = readFileSync(join(out, 'worker.js'));
    workerRaw = js.length;
    workerGz = gzipSync(js, { level: 9 }).length;
    raw.worker_bundle = { bytes: workerRaw, gzip: workerGz };
  }

  // ---- the table
  const r = (a: string, b: string) => (rps[a] && rps[b] ? rps[b].rps / rps[a].rps : NaN);
  const rpsCell = (n: string) => (rps[n] ? `${f0(rps[n].rps)} req/s${errNote(rps[n])}` : 'n/a');
  const added = (name: string, p: 'p50' | 'p99') => (lat[name] && lat.direct ? lat[name][p] - lat.direct[p] : NaN);
  if (rps['gateway-node']) {
  row({ measure: 'Node, 64 conns, req/s — vs naive Hono+fetch (Node)', reference: rpsCell('naive-node'), gateway: rpsCell('gateway-node'), ratio: `${f2(r('naive-node', 'gateway-node'))}×`, target: '≥ 2×', met: r('naive-node', 'gateway-node') >= 2 });
  row({ measure: 'Node, 64 conns, req/s — vs raw node:http pipe', reference: rpsCell('raw-pipe'), gateway: rpsCell('gateway-node'), ratio: `${f2(r('raw-pipe', 'gateway-node'))}×`, target: '≥ 0.7× (stretch)', met: r('raw-pipe', 'gateway-node') >= 0.7 });
  row({ measure: 'Node, 64 conns, req/s — vs direct to mock', reference: rpsCell('direct'), gateway: rpsCell('gateway-node'), ratio: `${f2(r('direct', 'gateway-node'))}×`, target: '–', met: null });
  row({ measure: 'Node, 1 conn, latency p50 (added over direct)', reference: `${f0(lat.direct.p50)} µs`, gateway: `${f0(lat['gateway-node'].p50)} µs`, ratio: `+${f0(added('gateway-node', 'p50'))} µs`, target: '≤ +150 µs', met: added('gateway-node', 'p50') <= 150 });
  row({ measure: 'Node, 1 conn, latency p99 (added over direct)', reference: `${f0(lat.direct.p99)} µs`, gateway: `${f0(lat['gateway-node'].p99)} µs`, ratio: `+${f0(added('gateway-node', 'p99'))} µs`, target: '–', met: null });
  row({ measure: '(refs) 1 conn p50 added: naive Hono+fetch / raw pipe', reference: `+${f0(added('naive-node', 'p50'))} µs`, gateway: `+${f0(added('raw-pipe', 'p50'))} µs`, ratio: '–', target: '–', met: null });
  }
  if (haveBun && rps['gateway-bun']) {
    row({ measure: 'Bun, 64 conns, req/s — vs naive Hono+fetch (Bun)', reference: rpsCell('naive-bun'), gateway: rpsCell('gateway-bun'), ratio: `${f2(r('naive-bun', 'gateway-bun'))}×`, target: '≥ 0.9×', met: r('naive-bun', 'gateway-bun') >= 0.9 });
    row({ measure: 'Bun, 1 conn, latency p50 / p99 (added over direct)', reference: `${f0(lat.direct.p50)} / ${f0(lat.direct.p99)} µs`, gateway: `${f0(lat['gateway-bun'].p50)} / ${f0(lat['gateway-bun'].p99)} µs`, ratio: `+${f0(added('gateway-bun', 'p50'))} / +${f0(added('gateway-bun', 'p99'))} µs`, target: '–', met: null });
  }
  for (const name of ['gateway-node', 'gateway-bun']) {
    const s = streams[name];
    const d = streams.direct;
    if (!s || !d) continue;
    const rt = name === 'gateway-node' ? 'Node' : 'Bun';
    const addF50 = s.ttfb[0] - d.ttfb[0];
    row({ measure: `${rt}, streaming TTFB p50 / p99 (${P.chunks} chunks, ${P.gapMs} ms apart)`, reference: `${f2(d.ttfb[0])} / ${f2(d.ttfb[1])} ms`, gateway: `${f2(s.ttfb[0])} / ${f2(s.ttfb[1])} ms`, ratio: `+${f2(addF50)} / +${f2(s.ttfb[1] - d.ttfb[1])} ms`, target: '≤ +1 ms p50', met: addF50 <= 1 });
    row({ measure: `${rt}, streaming time to last byte p50 / p99`, reference: `${f1(d.ttlb[0])} / ${f1(d.ttlb[1])} ms`, gateway: `${f1(s.ttlb[0])} / ${f1(s.ttlb[1])} ms`, ratio: `+${f2(s.ttlb[0] - d.ttlb[0])} / +${f2(s.ttlb[1] - d.ttlb[1])} ms`, target: '–', met: null });
    row({ measure: `${rt}, streams intact / arrived incrementally (no buffering)`, reference: `${d.intact} / ${d.incremental} of ${d.n}`, gateway: `${s.intact} / ${s.incremental} of ${s.n}`, ratio: '–', target: 'all', met: s.n > 0 && s.intact === s.n && s.incremental === s.n });
  }
  if (many) {
    row({ measure: `Node, ${many.count} concurrent slow streams: complete and intact (max open at once)`, reference: '–', gateway: `${many.ok} of ${many.count} (${many.maxOpen} open)`, ratio: '–', target: 'all', met: many.ok === many.count && many.maxOpen === many.count });
    row({ measure: `Node, ${many.count} streams: gateway RSS before → peak`, reference: '–', gateway: `${mb(many.before)} → ${mb(many.peak)}`, ratio: '–', target: '–', met: null });
    row({ measure: `Node, ${many.count} streams: RSS per open stream (reference: raw node:http pipe)`, reference: `${kb(manyRef?.perStream)} (${manyRef?.ok} ok)`, gateway: kb(many.perStream), ratio: manyRef?.perStream ? `${f1(many.perStream! / manyRef.perStream)}×` : '–', target: '≤ 64 KB / stream', met: many.perStream === undefined ? null : many.perStream <= 64 * 1024 });
  }
  row({ measure: 'Anthropic → OpenAI translation, µs per event (in-process)', reference: `${f2(tr.passthrough)} µs (plain stream)`, gateway: `${f2(tr.translate)} µs`, ratio: `${f1(tr.translate / tr.passthrough)}×`, target: '–', met: null });
  if (rps['stream-anthropic']) {
    row({ measure: 'Node, streaming req/s, 64 conns: Anthropic translated vs OpenAI pass-through (20 chunks)', reference: rpsCell('stream-openai'), gateway: rpsCell('stream-anthropic'), ratio: `${f2(r('stream-openai', 'stream-anthropic'))}×`, target: '–', met: null });
  }
  if (startup.built !== undefined) {
    row({ measure: 'start-up to start line: `node dist/index.js` (median)', reference: '–', gateway: `${f0(startup.built)} ms`, ratio: '–', target: '≤ 250 ms', met: startup.built <= 250 });
    row({ measure: 'start-up to start line: bin `dist/cli.js` (median)', reference: '–', gateway: `${f0(startup.bin)} ms`, ratio: '–', target: '≤ 250 ms', met: startup.bin <= 250 });
    row({ measure: 'start-up to start line: `npm start` (tsx; median)', reference: '–', gateway: `${f0(startup.npmStart)} ms`, ratio: '–', target: '–', met: null });
  }
  if (workerGz !== undefined) {
    row({ measure: 'Worker bundle (wrangler --dry-run), gzip -9', reference: `${kb(workerRaw)} raw`, gateway: kb(workerGz), ratio: '–', target: '≤ 40 KB', met: workerGz <= 40 * 1024 });
  }

  const md = table();
  const results = { ...machine, date: new Date().toISOString(), seconds: Math.round((performance.now() - t0) / 1000), rows, raw };
  writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${machine.nproc} cores, ${machine.cpu}, node ${machine.node}, load generator: ${TOOL}${QUICK ? ' (quick)' : ''}\n\n${md}\n\n`);
  log(`done in ${results.seconds} s; wrote bench/results.json`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`[bench] failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  killAll();
  rmSync(TMP, { recursive: true, force: true });
}
