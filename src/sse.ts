/**
 * SSE in, SSE out: the one loop every translated stream runs (Anthropic → chat, chat → Messages, chat →
 * Responses). A translator is an incremental state machine: each complete upstream event yields the text to
 * emit (possibly ''), handed on as soon as the event is complete. Parsing is `eventsource-parser`'s. What a
 * gateway facing a hostile upstream needs besides (one event may not grow past MINI_LLM_MAX_EVENT_BYTES: an
 * upstream that never ends an event must not grow the gateway's memory without bound) is `sseEventLimit`, which
 * the relay runs over the raw upstream bytes of every translated stream before any parser sees them.
 */
import { createParser } from 'eventsource-parser';
import { StreamLimitError } from './errors.js';

export interface SseTranslator {
  /** The text to emit for one complete upstream event (`name` is '' when the event has no `event:` line). */
  event(name: string, data: string): string;
  /** The text to emit for an upstream SSE comment (`: keep-alive`); absent: comments are dropped. */
  comment?(text: string): string;
  /** True once the output is complete: later upstream events are ignored and the stream closes. */
  readonly ended: boolean;
  /** The upstream's end event, named in the error when the body ends without it (e.g. `message_stop`). */
  readonly endEvent?: string;
  /**
   * The upstream body ended without the translator's end event. Return the text that ends the output cleanly
   * (then the stream closes), or undefined to fail the stream (the guard turns that into a failure frame).
   */
  finish?(): string | undefined;
}

/** An upstream event grew past the limit. */
export class SseEventTooLarge extends StreamLimitError {
  constructor(readonly limit: number) {
    super('upstream_event_too_large', `The provider sent a stream event larger than ${limit} bytes (MINI_LLM_MAX_EVENT_BYTES).`);
    this.name = 'SseEventTooLarge';
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * A byte-level check of an SSE body, before any parser buffers it: throws SseEventTooLarge as soon as more than
 * `max` bytes arrive without a blank line (the end of an event; lines end in LF, CRLF or CR). One pass over
 * each chunk, no copy, no decoding.
 */
export function sseEventLimit(max: number): (chunk: Uint8Array) => void {
  /** Bytes since the last event boundary. */
  let open = 0;
  /** Bytes of the current line (0: at the start of a line). */
  let line = 0;
  /** The last byte was a CR: an LF right after it belongs to the same line end. */
  let cr = false;
  return (chunk) => {
    let boundary = -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === LF) {
        if (cr) cr = false;
        else if (line === 0) boundary = i;
        line = 0;
      } else if (b === CR) {
        if (line === 0) boundary = i;
        line = 0;
        cr = true;
      } else {
        cr = false;
        line++;
      }
    }
    open = boundary >= 0 ? chunk.length - boundary - 1 : open + chunk.length;
    if (open > max) throw new SseEventTooLarge(max);
  };
}

/**
 * Translate an SSE body. Ends once the translator has ended (the rest of the upstream is cancelled), errors
 * if the upstream body fails, or ends early without `finish` ending it. Cancelling the result cancels `body`.
 */
export function sseTransform(body: ReadableStream<Uint8Array>, translator: SseTranslator): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending: string[] = [];
  const parser = createParser({
    onEvent: (e) => {
      const out = translator.event(e.event ?? '', e.data);
      if (out !== '') pending.push(out);
    },
    onComment: translator.comment
      ? (text) => {
          const out = translator.comment!(text);
          if (out !== '') pending.push(out);
        }
      : undefined,
  });

  let eof = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Read until at least one event produced output (or the stream is over), then hand it on at once.
        while (pending.length === 0 && !eof && !translator.ended) {
          const { done, value } = await reader.read();
          if (done) {
            eof = true;
            parser.feed(decoder.decode() + '\n\n'); // flush a final event that lacks its blank line
          } else {
            parser.feed(decoder.decode(value, { stream: true }));
          }
        }
      } catch (err) {
        reader.cancel(err).catch(() => {});
        throw err;
      }
      if (pending.length > 0) {
        for (const text of pending) controller.enqueue(encoder.encode(text));
        pending = [];
        if (!translator.ended) return; // an early end is reported on the next pull, after this output
      }
      if (translator.ended) {
        controller.close();
        if (!eof) reader.cancel().catch(() => {}); // ignore anything after the end event
        return;
      }
      const tail = translator.finish?.();
      if (tail === undefined) return controller.error(new Error(`The upstream stream ended before ${translator.endEvent ?? 'its end event'}.`));
      if (tail !== '') controller.enqueue(encoder.encode(tail));
      controller.close();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
