/**
 * Streaming (SSE) requests: time to first and last byte with a content check, and many slow streams at once
 * with the gateway's RSS sampled while they run.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { post } from './load.js';
import { P } from './options.js';
import type { Proc } from './processes.js';
import { pct } from './stats.js';

interface StreamSample {
  ttfb: number;
  ttlb: number;
  /** Time between the first and the last content event. */
  spread: number;
  intact: boolean;
}

const expectedContent = (n: number) => Array.from({ length: n }, (_, i) => `c${i} `).join('');

/** One streaming request: times in ms from sending to the first body byte and to the end; checks the content. */
export function streamOnce(agent: Agent, url: string, body: string, chunks: number, onOpen?: () => void, onClose?: () => void): Promise<StreamSample> {
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

export async function streaming(url: string, body: string, chunks: number, gapMs: number): Promise<{ ttfb: [number, number]; ttlb: [number, number]; n: number; intact: number; incremental: number }> {
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
export async function manyStreams(gw: Proc, count: number, chunks: number, gapMs: number, model = `openai/sse-${chunks}-${gapMs}`) {
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
