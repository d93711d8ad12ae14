/**
 * `npm run bench` — the gateway's performance, measured beside its references in one run, stated as ratios.
 *
 *   npm run bench               full run (~2–3 min)
 *   npm run bench -- --quick    CI smoke: a few seconds per section, 100 streams instead of 1,000
 *
 * Options (parsed in lib/options.ts): --tool=wrk|autocannon, --no-build, --node-entry=PATH, --bun-entry=PATH,
 * --node-args='FLAGS', --skip=bun,worker,startup,streams,embeddings,messages,responses,gemini.
 *
 * Every process (mock, references, gateways) is a real child on 127.0.0.1, stopped by PID at the end, also on
 * failure (lib/processes.ts). Writes bench/results.json and prints one markdown table.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { startupTimes, translationCost } from './lib/inprocess.js';
import { embeddingsRows, embeddingsThroughput } from './lib/embeddings.js';
import { compareThroughput, latency1, throughput, type RpsResult } from './lib/load.js';
import { BENCH, BUN, BUN_ENTRY, NODE_ARGS, NODE_ENTRY, NODE_ENTRY_PATH, NO_BUILD, P, QUICK, ROOT, SKIP, TMP, TOOL } from './lib/options.js';
import { killAll, run, startProc, tsxNode } from './lib/processes.js';
import { errNote, f0, f1, f2, kb, log, mb, raw, row, rows, table } from './lib/report.js';
import { median } from './lib/stats.js';
import { responsesRows, responsesThroughput, responsesTranslationCost } from './lib/responses.js';
import { manyStreams, streaming } from './lib/streams.js';
import { geminiRows, geminiThroughput, geminiTranslationCost } from './lib/gemini.js';
import { messagesResponsesCost, messagesRows, messagesThroughput, messagesTranslationCost } from './lib/messages.js';

async function main() {
  const t0 = performance.now();
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, tool: TOOL, quick: QUICK, nodeEntry: NODE_ENTRY };
  raw.machine = machine;
  log(`${QUICK ? 'quick' : 'full'} run; ${machine.nproc} cores (${machine.cpu}), node ${machine.node}, load: ${TOOL}`);

  if (!NO_BUILD) {
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
    // The default configuration, request log included (one JSON line per request, to a file: lib/processes.ts).
    MINI_LLM_LOG: 'info',
    OPENAI_API_KEY: 'sk-bench-openai',
    OPENAI_BASE_URL: openaiBase,
    ANTHROPIC_API_KEY: 'sk-ant-bench',
    ANTHROPIC_BASE_URL: `${mock.url}/anthropic`,
    GEMINI_API_KEY: 'AIza-bench-gemini',
    GEMINI_BASE_URL: `${mock.url}/gemini`,
    // The same mock as a chat-only provider: /v1/messages to it translates through chat (to `openai`, through Responses).
    MINI_LLM_PROVIDERS: JSON.stringify({ chatonly: { baseUrl: openaiBase, apiKeyEnv: 'OPENAI_API_KEY' } }),
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
  if (!SKIP.has('nonstream')) {
    // The floor under every Node proxy at 1 connection: one more process on the path, with no HTTP work.
    const splice = await startProc('tcp-splice', ...tsxNode('tcp-splice.ts'), { UPSTREAM_ORIGIN: mock.url, PORT: '0' });
    lat['tcp-splice'] = await latency1(`${splice.url}/openai`, tiny('bench'), P.latencyRequests);
    log(`  tcp-splice: 1 conn p50 ${f0(lat['tcp-splice'].p50)} µs, p99 ${f0(lat['tcp-splice'].p99)} µs`);
    await splice.stop();
  }

  if (!SKIP.has('embeddings')) {
    log('embeddings: pass-through req/s beside chat pass-through (Node gateway)');
    Object.assign(rps, await embeddingsThroughput({ gateway: gwNode.url, direct, chatBody: tiny('openai/bench'), refEnv }));
    log(`  embeddings ${f0(rps['embeddings-passthrough'].rps)} req/s vs chat ${f0(rps['chat-passthrough'].rps)} req/s; 1536-value answer: gateway ${f0(rps['embeddings-gateway-1536'].rps)}, raw pipe ${f0(rps['embeddings-raw-pipe-1536'].rps)}, direct ${f0(rps['embeddings-direct-1536'].rps)} req/s`);
  }

  // ---- /v1/messages: pass-through and translated beside chat pass-through (lib/messages.ts)
  if (!SKIP.has('messages')) {
    log('/v1/messages: pass-through and translated vs chat pass-through, 64 conns');
    Object.assign(rps, await messagesThroughput(gwNode.url));
  }

  // ---- the Gemini API: pass-through and translated beside chat pass-through (lib/gemini.ts)
  if (!SKIP.has('gemini')) {
    log('Gemini API: pass-through and translated vs chat pass-through, 64 conns');
    Object.assign(rps, await geminiThroughput(gwNode.url));
  }

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
  if (!SKIP.has('nonstream') && !SKIP.has('responses')) {
    log('/v1/responses pass-through vs chat pass-through: req/s');
    Object.assign(rps, await responsesThroughput(gwNode.url));
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
  const messagesCost = SKIP.has('messages') ? undefined : await messagesTranslationCost(P.translateEvents);
  raw.messages_translation_us_per_event = messagesCost;
  const messagesResponses = SKIP.has('messages') ? undefined : await messagesResponsesCost(P.translateEvents);
  raw.messages_responses_translation_us_per_event = messagesResponses;
  const responsesCost = SKIP.has('responses') ? undefined : await responsesTranslationCost(P.translateEvents);
  raw.responses_translation_us_per_event = responsesCost;
  const geminiCost = SKIP.has('gemini') ? undefined : await geminiTranslationCost(P.translateEvents);
  raw.gemini_translation_us_per_event = geminiCost;

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
  // A ratio between two targets measured in the same interleaved rounds is the median of the per-round ratios:
  // each round's two figures were taken moments apart, so the VM's drift between rounds cancels out.
  const r = (a: string, b: string) => {
    const [x, y] = [rps[a], rps[b]];
    if (!x || !y) return NaN;
    if (x.samples && y.samples && x.samples.length === y.samples.length && x.samples.length > 1) {
      return median(x.samples.map((v, i) => y.samples![i] / v));
    }
    return y.rps / x.rps;
  };
  const rpsCell = (n: string) => (rps[n] ? `${f0(rps[n].rps)} req/s${errNote(rps[n])}` : 'n/a');
  const added = (name: string, p: 'p50' | 'p99') => (lat[name] && lat.direct ? lat[name][p] - lat.direct[p] : NaN);
  if (rps['gateway-node']) {
  row({ measure: 'Node, 64 conns, req/s — vs naive Hono+fetch (Node)', reference: rpsCell('naive-node'), gateway: rpsCell('gateway-node'), ratio: `${f2(r('naive-node', 'gateway-node'))}×`, target: '≥ 2×', met: r('naive-node', 'gateway-node') >= 2 });
  row({ measure: 'Node, 64 conns, req/s — vs raw node:http pipe', reference: rpsCell('raw-pipe'), gateway: rpsCell('gateway-node'), ratio: `${f2(r('raw-pipe', 'gateway-node'))}×`, target: '≥ 0.7× (stretch)', met: r('raw-pipe', 'gateway-node') >= 0.7 });
  row({ measure: 'Node, 64 conns, req/s — vs direct to mock', reference: rpsCell('direct'), gateway: rpsCell('gateway-node'), ratio: `${f2(r('direct', 'gateway-node'))}×`, target: '–', met: null });
  row({ measure: 'Node, 1 conn, latency p50 (added over direct)', reference: `${f0(lat.direct.p50)} µs`, gateway: `${f0(lat['gateway-node'].p50)} µs`, ratio: `+${f0(added('gateway-node', 'p50'))} µs`, target: '≤ +150 µs', met: added('gateway-node', 'p50') <= 150 });
  row({ measure: 'Node, 1 conn, latency p99 (added over direct)', reference: `${f0(lat.direct.p99)} µs`, gateway: `${f0(lat['gateway-node'].p99)} µs`, ratio: `+${f0(added('gateway-node', 'p99'))} µs`, target: '–', met: null });
  row({ measure: '(floors) 1 conn p50 added by: a TCP splice, no HTTP / the raw node:http pipe / naive Hono+fetch', reference: `+${f0(added('tcp-splice', 'p50'))} / +${f0(added('raw-pipe', 'p50'))} / +${f0(added('naive-node', 'p50'))} µs`, gateway: `+${f0(added('gateway-node', 'p50'))} µs`, ratio: lat['raw-pipe'] ? `${f2(added('gateway-node', 'p50') / added('raw-pipe', 'p50'))}× raw pipe` : '–', target: '–', met: null });
  row({ measure: '(floors) 1 conn p99 added by: a TCP splice, no HTTP / the raw node:http pipe / naive Hono+fetch', reference: `+${f0(added('tcp-splice', 'p99'))} / +${f0(added('raw-pipe', 'p99'))} / +${f0(added('naive-node', 'p99'))} µs`, gateway: `+${f0(added('gateway-node', 'p99'))} µs`, ratio: '–', target: '–', met: null });
  }
  embeddingsRows(rps, r, rpsCell);
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
  messagesRows(rps, messagesCost, r, rpsCell, messagesResponses);
  if (rps['stream-anthropic']) {
    row({ measure: 'Node, streaming req/s, 64 conns: Anthropic translated vs OpenAI pass-through (20 chunks)', reference: rpsCell('stream-openai'), gateway: rpsCell('stream-anthropic'), ratio: `${f2(r('stream-openai', 'stream-anthropic'))}×`, target: '–', met: null });
  }
  responsesRows(rps, responsesCost);
  geminiRows(rps, geminiCost, r, rpsCell);
  if (startup.built !== undefined) {
    row({ measure: 'start-up to start line: `node dist/index.js` (median)', reference: '–', gateway: `${f0(startup.built)} ms`, ratio: '–', target: '≤ 250 ms', met: startup.built <= 250 });
    row({ measure: 'start-up to start line: bin `dist/cli.js` (median)', reference: '–', gateway: `${f0(startup.bin)} ms`, ratio: '–', target: '≤ 250 ms', met: startup.bin <= 250 });
    row({ measure: 'start-up to start line: `npm start` (tsx; median)', reference: '–', gateway: `${f0(startup.npmStart)} ms`, ratio: '–', target: '–', met: null });
  }
  if (workerGz !== undefined) {
    row({ measure: 'Worker bundle (wrangler --dry-run), gzip -9', reference: `${kb(workerRaw)} raw`, gateway: kb(workerGz), ratio: '–', target: '≤ 55 KB', met: workerGz <= 55 * 1024 });
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
