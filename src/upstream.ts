/**
 * The one place that talks to providers: timeouts (silence before headers and between chunks), abort
 * propagation from the client, header hygiene both ways, and mapping upstream failures to OpenAI errors.
 */
import { GatewayError } from './errors.js';
import type { UpstreamCall } from './providers/types.js';

export interface UpstreamInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Called as each chunk of the response body arrives, by clients that say so with `reportsBodyData`. */
  onBodyData?: () => void;
}

/** The upstream HTTP client: the platform's `fetch`, or a faster one with the same shape (Node). */
export type UpstreamFetch = ((url: string, init: UpstreamInit) => Promise<Response>) & {
  /**
   * The client calls `init.onBodyData` for every body chunk, whichever way the body is read: the gateway may
   * then read a whole body with `bytes()` (the client's fastest path) and still see every chunk.
   */
  readonly reportsBodyData?: boolean;
};

export interface UpstreamOptions {
  fetch: UpstreamFetch;
  timeoutMs: number;
  /** Aborted when the client goes away. */
  clientSignal?: AbortSignal;
  providerId: string;
  /** Values to scrub from anything derived from the upstream (error messages). */
  secrets: readonly string[];
}

/**
 * Fires when the upstream has been silent for `ms` while the gateway was waiting on it: before the headers, and
 * between body chunks. Time spent waiting on a slow client (`hold()` … `release()`: the gateway has stopped
 * reading because the client has not taken what it has) is the client's, not the upstream's silence.
 * One timer per exchange, re-armed lazily, so a flowing stream costs a `Date.now()` per chunk.
 */
export class Watchdog {
  private last = Date.now();
  private held = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  fired = false;

  constructor(
    private readonly ms: number,
    private readonly onFire: () => void,
  ) {
    this.arm(ms);
  }

  private arm(ms: number) {
    this.timer = setTimeout(() => {
      const idle = Date.now() - this.last;
      if (this.held) this.arm(this.ms);
      else if (idle >= this.ms) {
        this.fired = true;
        this.onFire();
      } else this.arm(this.ms - idle);
    }, ms);
  }

  touch() {
    this.last = Date.now();
  }

  /** The gateway stopped reading (back-pressure from the client): the clock stops. */
  hold() {
    this.held = true;
  }

  /** The gateway reads again: the clock restarts from now. */
  release() {
    this.held = false;
    this.last = Date.now();
  }

  stop() {
    clearTimeout(this.timer);
  }
}

export interface UpstreamExchange {
  response: Response;
  /** The client feeds the watchdog itself with every body chunk (see `UpstreamFetch.reportsBodyData`). */
  reportsBodyData: boolean;
  controller: AbortController;
  watchdog: Watchdog;
  /** Whether the exchange was ended by the client going away. */
  clientGone(): boolean;
}

/**
 * Replace every configured secret in `text`. Secrets shorter than `minLength` are left alone (by default 4, so
 * that a stray short value does not blank out ordinary words in error messages); the CLI, printing a last time
 * before text leaves the process, passes 1 (an empty value is never a secret).
 */
export function redact(text: string, secrets: readonly string[], minLength = 4): string {
  let out = text;
  for (const s of secrets) if (s.length >= minLength && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

/** Send the call; resolve once the upstream answered 2xx with headers, or throw a GatewayError. */
export async function openUpstream(call: UpstreamCall, opts: UpstreamOptions): Promise<UpstreamExchange> {
  const controller = new AbortController();
  const { clientSignal } = opts;
  const onClientAbort = () => controller.abort(new Error('client closed the connection'));
  if (clientSignal) {
    if (clientSignal.aborted) onClientAbort();
    else clientSignal.addEventListener('abort', onClientAbort, { once: true });
  }
  const watchdog = new Watchdog(opts.timeoutMs, () => controller.abort(new Error('upstream timeout')));
  const clientGone = () => clientSignal?.aborted === true;

  let response: Response;
  try {
    response = await opts.fetch(call.url, { method: 'POST', headers: call.headers, body: call.body, signal: controller.signal, onBodyData: () => watchdog.touch() });
  } catch (err) {
    watchdog.stop();
    throw failureBeforeHeaders(err, watchdog.fired, opts);
  }
  // The headers end a silence: the next one starts now.
  watchdog.touch();
  const exchange: UpstreamExchange = { response, controller, watchdog, clientGone, reportsBodyData: opts.fetch.reportsBodyData === true };
  if (response.status >= 400) {
    try {
      throw await upstreamHttpError(exchange, opts);
    } finally {
      watchdog.stop();
    }
  }
  return exchange;
}

/** A body that failed after the headers (and before the gateway answered): timeout, disconnect, or the client left. */
export function bodyFailure(exchange: UpstreamExchange, opts: Pick<UpstreamOptions, 'providerId' | 'timeoutMs'>): GatewayError {
  if (exchange.clientGone()) return new GatewayError(499, 'upstream_error', 'client_closed', 'The client closed the connection.');
  return exchange.watchdog.fired
    ? new GatewayError(504, 'upstream_error', 'upstream_timeout', `Provider "${opts.providerId}" went silent for ${opts.timeoutMs} ms.`)
    : new GatewayError(502, 'upstream_error', 'upstream_disconnected', `Provider "${opts.providerId}" sent an incomplete or unreadable answer.`);
}

/**
 * The whole of a body, every chunk feeding the watchdog, so that a body that keeps arriving is never cut while
 * one that goes silent is. Rejects if the body fails (or the watchdog aborts it).
 */
export async function readWhole(response: Response, exchange: Pick<UpstreamExchange, 'watchdog' | 'reportsBodyData'>): Promise<Uint8Array<ArrayBuffer>> {
  // `bytes()`: the client's whole body as is (no copy); standard, and provided by every client that reports data.
  if (exchange.reportsBodyData) return (response as Response & { bytes(): Promise<Uint8Array<ArrayBuffer>> }).bytes();
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    exchange.watchdog.touch();
    chunks.push(value);
    length += value.byteLength;
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    whole.set(c, offset);
    offset += c.byteLength;
  }
  return whole;
}

/** A body whose every chunk feeds the watchdog (for translated streams, whose output can lag their input). */
export function touching(body: ReadableStream<Uint8Array>, watchdog: Watchdog): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        watchdog.touch();
        out.enqueue(chunk);
      },
    }),
  );
}

function failureBeforeHeaders(err: unknown, timedOut: boolean, opts: UpstreamOptions): GatewayError {
  if (timedOut) {
    return new GatewayError(504, 'upstream_error', 'upstream_timeout', `Provider "${opts.providerId}" sent no response within ${opts.timeoutMs} ms.`);
  }
  if (opts.clientSignal?.aborted) {
    return new GatewayError(499, 'upstream_error', 'client_closed', 'The client closed the connection.');
  }
  const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (err as Error)?.message ?? 'unknown error';
  return new GatewayError(502, 'upstream_error', 'upstream_unreachable', redact(`Could not reach provider "${opts.providerId}": ${detail}.`, opts.secrets));
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Map an upstream 4xx/5xx to an OpenAI-shaped error: same status (529 → 503), upstream's type and code, and
 * the upstream headers a client may see (`retry-after`, `x-ratelimit-*`, ...).
 */
async function upstreamHttpError(exchange: UpstreamExchange, opts: UpstreamOptions): Promise<GatewayError> {
  const { response } = exchange;
  const status = response.status === 529 ? 503 : response.status;
  let text = '';
  try {
    text = new TextDecoder().decode(await readWhole(response, exchange)).slice(0, MAX_ERROR_BODY);
  } catch {
    // The body failed; the status alone still says what happened.
  }
  const parsed = parseErrorBody(text);
  const message = redact(parsed.message ?? `Provider "${opts.providerId}" answered HTTP ${response.status}.`, opts.secrets);
  const { 'content-type': _, ...headers } = responseHeaders(response.headers, undefined, opts.providerId);
  return new GatewayError(status, parsed.type ?? 'upstream_error', parsed.code ?? null, message, parsed.param ?? null, response.status, headers);
}

interface ParsedError {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** Understands OpenAI's and Anthropic's `{error:{...}}`, FastAPI's `{detail}`, `{message}`, and plain text. */
export function parseErrorBody(text: string): ParsedError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const trimmed = text.trim().slice(0, 500);
    return trimmed ? { message: trimmed } : {};
  }
  if (typeof json !== 'object' || json === null) return {};
  const o = json as Record<string, unknown>;
  const e = o.error;
  if (typeof e === 'object' && e !== null) {
    const err = e as Record<string, unknown>;
    return { message: s(err.message), type: s(err.type), code: s(err.code), param: s(err.param) };
  }
  if (typeof e === 'string') return { message: e };
  if (Array.isArray(o.detail)) {
    const msgs = o.detail.map((d) => {
      const item = d as { msg?: unknown; loc?: unknown };
      const loc = Array.isArray(item.loc) ? item.loc.join('.') : '';
      return [loc, s(item.msg)].filter(Boolean).join(': ');
    });
    return { message: msgs.join('; ') };
  }
  if (typeof o.detail === 'string') return { message: o.detail };
  return { message: s(o.message), param: s(o.param), code: s(o.code), type: s(o.type) };
}

const PASS_HEADERS = new Set(['content-type', 'retry-after', 'openai-processing-ms']);

/** The upstream response headers a client may see (CONTRACT §4); everything else is dropped. */
export function responseHeaders(upstream: Headers, requestId: string | undefined, providerId: string): Record<string, string> {
  // A plain record: Response constructors on Node and Bun take it on their fast path.
  const out: Record<string, string> = {};
  upstream.forEach((value, name) => {
    if (PASS_HEADERS.has(name) || name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-')) {
      out[name] = value;
    }
  });
  const upstreamId = upstream.get('x-request-id') ?? upstream.get('request-id');
  if (upstreamId) out['x-upstream-request-id'] = upstreamId;
  if (requestId !== undefined) out['x-request-id'] = requestId;
  out['x-mini-llm-provider'] = providerId;
  return out;
}
