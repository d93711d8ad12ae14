/** Measures that need no load generator: the Anthropic translator in-process, and start-up times. */
import { performance } from 'node:perf_hooks';
import { anthropicEvents } from '../mock-upstream.js';
import { P } from './options.js';
import { startProc } from './processes.js';
import { pct } from './stats.js';

/** µs per Anthropic event through the translator, against the same chunks through one plain web stream. */
export async function translationCost(n: number): Promise<{ translate: number; passthrough: number; events: number }> {
  const { anthropicToOpenAIStream } = await import('../../src/providers/anthropic/stream.js');
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

export async function startupTimes(label: string, cmd: string, argv: string[], env: Record<string, string>, opts: { cwd?: string; group?: boolean } = {}): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < P.startupRuns; i++) {
    const p = await startProc(label, cmd, argv, env, opts);
    times.push(p.readyMs);
    await p.stop();
  }
  times.sort((a, b) => a - b);
  return pct(times, 50);
}
