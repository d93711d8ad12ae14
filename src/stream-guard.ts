/**
 * A stream on its way to the client, guarded: every chunk feeds the silence watchdog, the client leaving aborts
 * the upstream, and a failure after the stream began becomes one SSE error frame (never a silent clean end).
 *
 * One set of rules, two carriers: Web streams (every runtime), and push bodies, which carry the bytes from the
 * upstream socket to the client socket with no Web stream in between (the Node entry, where a Web stream costs
 * about 20 KB per open stream; see README "Performance").
 */
import { sseErrorFrame, StreamLimitError } from './errors.js';
import type { UpstreamExchange } from './upstream.js';

export interface BodyEnd {
  /** A StreamLimitError's code (e.g. `upstream_event_too_large`) when a limit cut the stream. */
  outcome: 'ok' | 'upstream_timeout' | 'upstream_disconnected' | 'client_closed' | (string & {});
  bytes: number;
  firstByteAt: number | undefined;
}

export interface GuardOptions {
  timeoutMs: number;
  onEnd?: (end: BodyEnd) => void;
  /**
   * The event that tells the client its stream failed, in the route's shape; defaults to chat's error frame.
   * `begun`: some of the answer already went out.
   */
  failureFrame?: (message: string, code: string, begun?: boolean) => string;
  /** Applied to every chunk before it is passed on (translated streams: redaction); absent for pass-through. */
  map?: (chunk: Uint8Array) => Uint8Array;
}

/** Receives a push body's chunks: `data` for each, then `end` or `error`, once. */
export interface PushSink {
  data(chunk: Uint8Array): void;
  end(): void;
  error(err: unknown): void;
}

/** A body delivered by calls rather than read from a stream. Started at most once. */
export interface PushBody {
  start(sink: PushSink): void;
  /** Back-pressure: stop calling `data` until `resume`. */
  pause(): void;
  resume(): void;
  /** The consumer is gone: release the source. No further calls reach the sink. */
  cancel(reason?: unknown): void;
}

/** Set by an upstream client on its `Response` when it can deliver the body as a `PushBody`. */
export const PUSH_BODY = Symbol.for('mini-llm-gateway.push-body');

/** Set on the gateway's own streamed answer, for a server that can write a `PushBody` to its socket itself. */
export const PUSH_ANSWER = Symbol.for('mini-llm-gateway.push-answer');

export interface PushAnswer {
  status: number;
  headers: Record<string, string>;
  body: PushBody;
}

export const pushBodyOf = (response: Response): PushBody | undefined => (response as { [PUSH_BODY]?: PushBody })[PUSH_BODY];
export const pushAnswerOf = (response: Response): PushAnswer | undefined => (response as { [PUSH_ANSWER]?: PushAnswer })[PUSH_ANSWER];

const encoder = new TextEncoder();

/**
 * The rules both carriers share. Every outcome is reported once; later events are ignored. Only the parts of
 * the exchange a stream needs are kept: the upstream `Response` (headers and all) can go as soon as it began.
 */
function guardRules({ watchdog, controller, clientGone }: UpstreamExchange, opts: GuardOptions) {
  let bytes = 0;
  let firstByteAt: number | undefined;
  let ended = false;
  // The last four bytes sent, to know whether the client's parser stands at an event boundary.
  let tail = 0;
  /** What ends the client's current event: nothing at a boundary, a blank line after a line, else both. */
  const eventEnd = () => {
    if (bytes === 0 || (tail & 0xffff) === 0x0a0a || (tail & 0xffff) === 0x0d0d || tail === 0x0d0a0d0a) return '';
    const last = tail & 0xff;
    return last === 0x0a || last === 0x0d ? '\n' : '\n\n';
  };
  const end = (outcome: BodyEnd['outcome']) => {
    if (ended) return;
    ended = true;
    watchdog.stop();
    opts.onEnd?.({ outcome, bytes, firstByteAt });
  };
  return {
    get ended() {
      return ended;
    },
    chunk(chunk: Uint8Array) {
      watchdog.touch();
      firstByteAt ??= Date.now();
      bytes += chunk.byteLength;
      for (let i = Math.max(0, chunk.byteLength - 4); i < chunk.byteLength; i++) tail = ((tail << 8) | chunk[i]) >>> 0;
    },
    done: () => end('ok'),
    /** Back-pressure: the client has not taken what it was given, so the upstream's silence does not count. */
    waitingOnClient: () => watchdog.hold(),
    reading: () => watchdog.release(),
    /** The source failed. Returns the SSE error frame to send last, or undefined when the client is gone. */
    failed(err?: unknown): Uint8Array | undefined {
      if (clientGone()) {
        end('client_closed');
        return undefined;
      }
      const limit = !watchdog.fired && err instanceof StreamLimitError ? err : undefined;
      const code = watchdog.fired ? 'upstream_timeout' : (limit?.code ?? 'upstream_disconnected');
      end(code);
      controller.abort();
      const message = watchdog.fired
        ? `The provider went silent for ${opts.timeoutMs} ms; the answer is incomplete.`
        : (limit?.message ?? 'The provider closed the connection before the answer was complete.');
      const frame = opts.failureFrame ? opts.failureFrame(message, code, bytes > 0) : sseErrorFrame(message, 'upstream_error', code);
      // Cut mid-event: end that event first, so the frame is parsed as an event of its own.
      return encoder.encode(eventEnd() + frame);
    },
    cancelled(reason: unknown) {
      end('client_closed');
      controller.abort(reason);
    },
  };
}

/** Guard a Web stream (pull-based: nothing is read from the upstream before the client asks). */
export function guardBody(source: ReadableStream<Uint8Array>, exchange: UpstreamExchange, opts: GuardOptions): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const rules = guardRules(exchange, opts);
  const { map } = opts;
  return new ReadableStream<Uint8Array>(
    {
      async pull(out) {
        rules.reading();
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          const frame = rules.failed(err);
          if (!frame) return out.error(new Error('client closed the connection'));
          out.enqueue(frame);
          out.close();
          return;
        }
        if (chunk.done) {
          rules.done();
          out.close();
          return;
        }
        const value = map ? map(chunk.value) : chunk.value;
        rules.chunk(value);
        out.enqueue(value);
        // Nothing more is read until the client asks (highWaterMark 0): that wait is the client's.
        rules.waitingOnClient();
      },
      cancel(reason) {
        rules.cancelled(reason);
        return reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}

/** Guard a push body: the same rules, with no Web stream and no promise per chunk. */
export function guardPushBody(source: PushBody, exchange: UpstreamExchange, opts: GuardOptions): PushBody {
  const rules = guardRules(exchange, opts);
  return {
    start(sink) {
      source.start({
        data(chunk) {
          if (rules.ended) return;
          rules.chunk(chunk);
          sink.data(chunk);
        },
        end() {
          if (rules.ended) return;
          rules.done();
          sink.end();
        },
        error(err) {
          if (rules.ended) return;
          const frame = rules.failed(err);
          if (!frame) return sink.error(err);
          sink.data(frame);
          sink.end();
        },
      });
    },
    pause() {
      rules.waitingOnClient();
      source.pause();
    },
    resume() {
      rules.reading();
      source.resume();
    },
    cancel(reason) {
      rules.cancelled(reason);
      source.cancel(reason);
    },
  };
}

/**
 * A push body as a Web stream holding at most one chunk (highWaterMark 0): the source is paused whenever the
 * reader has not asked for more, so back-pressure reaches the upstream socket. Started on the first read.
 */
export function pushToWeb(body: PushBody): ReadableStream<Uint8Array> {
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (started) return body.resume();
        started = true;
        body.start({
          data(chunk) {
            if (done) return;
            controller.enqueue(chunk);
            if ((controller.desiredSize ?? 0) <= 0) body.pause();
          },
          end() {
            if (done) return;
            done = true;
            controller.close();
          },
          error(err) {
            if (done) return;
            done = true;
            controller.error(err);
          },
        });
      },
      cancel(reason) {
        done = true;
        body.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
