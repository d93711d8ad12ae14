/** The in-process cost of a stream translator: µs per input chunk, against the same chunks through a plain web stream. */
import { performance } from 'node:perf_hooks';

export interface StreamCost {
  /** µs per chunk through the translator. */
  translate: number;
  /** µs per chunk through one plain web stream (the floor). */
  passthrough: number;
  /** Input chunks per run. */
  events: number;
}

/** Best of five runs each, translator and plain stream, over the same encoded chunks. */
export async function streamCost(events: string[], translate: (source: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>): Promise<StreamCost> {
  const enc = new TextEncoder();
  const chunks = events.map((e) => enc.encode(e));
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
    for (;;) if ((await reader.read()).done) return;
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
  return { translate: await time(() => translate(source())), passthrough: await time(source), events: chunks.length };
}
