/** Feeding a provider stream translator and reading its chat SSE output: the stream tests of every provider kind. */
import { expect } from 'vitest';

const enc = new TextEncoder();

/** A body that yields the given pieces, one per read. */
export function bodyOf(pieces: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < pieces.length) {
        const p = pieces[i++];
        c.enqueue(typeof p === 'string' ? enc.encode(p) : p);
      } else c.close();
    },
  });
}

/** A text as one-byte pieces: every event and every multi-byte character split across reads. */
export const bytewise = (text: string) => Array.from(enc.encode(text), (b) => new Uint8Array([b]));

/** The SSE frames of a whole chat output (it ends with a blank line): parsed JSON, '[DONE]', or a comment line. */
export function frames(text: string): any[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((f) => (f.startsWith(':') ? f : f === 'data: [DONE]' ? '[DONE]' : JSON.parse(f.replace(/^data: /, ''))));
}
