/**
 * The one place that talks to providers: timeouts (silence before headers and between chunks), abort
 * propagation from the client, header hygiene both ways, and mapping upstream failures to OpenAI errors.
 */
import { GatewayError } from './errors.js';
import type { UpstreamCall } from './providers/types.js';
import { pushBodyOf, type GuardOptions, type PushBody } from './stream-guard.js';
import { nameHoldsSecret, redact, withoutSecretStart } from './redact.js';
import { USER_AGENT } from './version.js';

export { redact, redactBytes } from './redact.js';

const utf8 = new TextDecoder();

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
  /**
   * A client whose responses carry push bodies (PUSH_BODY: Node's) brings the paths that take them, so that a
   * runtime without one (Workers) does not carry them.
   */
  readonly push?: PushPaths;
};

/** What the gateway does with a push body (stream-guard.ts), for a client that delivers them (node/push-paths.ts). */
export interface PushPaths {
  /** `readUpTo` for a push body. */
  readUpTo(body: PushBody, limit: number): Promise<{ bytes: Uint8Array<ArrayBuffer>; complete: boolean }>;
  /** A pass-through stream, guarded, as the answer: a server that knows PUSH_ANSWER writes it to its socket itself. */
  answer(body: PushBody, exchange: UpstreamExchange, guard: GuardOptions, status: number, headers: Record<string, string>): Response;
}

export interface UpstreamOptions {
  fetch: UpstreamFetch;
  timeoutMs: number;
  /** Aborted when the client goes away. */
  clientSignal?: AbortSignal;
  providerId: string;
  /** Values to scrub from anything derived from the upstream (error fields, passed-on headers). */
  secrets: readonly string[];
  /** How much of an error body is read (the rest is not); default 64 KiB. */
  maxErrorBytes?: number;
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
  /** The client's push paths, when its responses carry push bodies. */
  push?: PushPaths;
  controller: AbortController;
  watchdog: Watchdog;
  /** Whether the exchange was ended by the client going away. */
  clientGone(): boolean;
}

/**
 * Headers every upstream request carries, on every runtime (Bun's `fetch` would otherwise add its own
 * `user-agent` and ask for gzip/br/zstd): the gateway's name and version, and no content encoding (an encoded
 * answer is refused, so no body is ever inflated).
 */
export const UPSTREAM_HEADERS = Object.freeze({ 'user-agent': USER_AGENT, 'accept-encoding': 'identity' });

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

  call.headers['user-agent'] = UPSTREAM_HEADERS['user-agent'];
  call.headers['accept-encoding'] = UPSTREAM_HEADERS['accept-encoding'];
  let response: Response;
  try {
    response = await opts.fetch(call.url, { method: 'POST', headers: call.headers, body: call.body, signal: controller.signal, onBodyData: () => watchdog.touch() });
  } catch (err) {
    watchdog.stop();
    throw failureBeforeHeaders(err, watchdog.fired, opts);
  }
  // The headers end a silence: the next one starts now.
  watchdog.touch();
  const exchange: UpstreamExchange = { response, controller, watchdog, clientGone, reportsBodyData: opts.fetch.reportsBodyData === true, push: opts.fetch.push };
  const { status } = response;
  if (status < 200 || status > 299) {
    try {
      throw status >= 400 && status <= 599 ? await upstreamHttpError(exchange, opts) : unrelayedStatus(exchange, opts);
    } finally {
      watchdog.stop();
    }
  }
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') {
    watchdog.stop();
    cancelBody(response);
    // Redacted whole, then cut: a cut through a key would leave a piece redaction cannot recognise.
    const shown = redact(encoding, opts.secrets).slice(0, 100);
    throw new GatewayError(502, 'upstream_error', 'upstream_encoded_body', `Provider "${opts.providerId}" sent content-encoding "${shown}"; the gateway asked for identity and refuses it.`, null, status);
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

/** Release a body nobody will read (the upstream connection is closed). */
function cancelBody(response: Response) {
  const push = pushBodyOf(response);
  if (push) push.cancel();
  else response.body?.cancel().catch(() => {});
}

/**
 * The whole of a body, every chunk feeding the watchdog, so that a body that keeps arriving is never cut while
 * one that goes silent is. More than `limit` bytes (MINI_LLM_MAX_ANSWER_BYTES): the rest is not read, the
 * upstream connection is closed, and the answer is a 502 `upstream_answer_too_large`. Rejects if the body fails
 * (or the watchdog aborts it).
 */
export async function readWhole(
  response: Response,
  exchange: Pick<UpstreamExchange, 'watchdog' | 'reportsBodyData' | 'push'>,
  limit: number,
  providerId = 'upstream',
): Promise<Uint8Array<ArrayBuffer>> {
  const { bytes, complete } = await readUpTo(response, exchange, limit, true);
  if (!complete) throw answerTooLarge(providerId, limit, response.status);
  return bytes;
}

/** The answer is over MINI_LLM_MAX_ANSWER_BYTES: a 502 `upstream_answer_too_large`. */
export const answerTooLarge = (providerId: string, limit: number, upstreamStatus: number) =>
  new GatewayError(502, 'upstream_error', 'upstream_answer_too_large', `Provider "${providerId}" sent an answer larger than ${limit} bytes (MINI_LLM_MAX_ANSWER_BYTES).`, null, upstreamStatus);

/**
 * At most the first `limit` bytes of a body; `complete` is false when there was more (which is then not read:
 * the body is cancelled, closing the upstream connection). With `refuseDeclared`, a declared `content-length`
 * over the limit is not read at all.
 */
export async function readUpTo(
  response: Response,
  exchange: Pick<UpstreamExchange, 'watchdog' | 'reportsBodyData' | 'push'>,
  limit: number,
  refuseDeclared = false,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; complete: boolean }> {
  const declared = refuseDeclared ? response.headers.get('content-length') : null;
  if (declared !== null && Number(declared) > limit) {
    cancelBody(response);
    return { bytes: new Uint8Array(0), complete: false };
  }
  const push = exchange.push && pushBodyOf(response);
  // A push body (Node's client): its chunks straight from the socket, no Web stream; it feeds the watchdog itself.
  if (push) return exchange.push!.readUpTo(push, limit);
  if (!response.body) return { bytes: new Uint8Array(0), complete: true };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    exchange.watchdog.touch();
    chunks.push(value);
    length += value.byteLength;
    if (length > limit) {
      reader.cancel().catch(() => {});
      return { bytes: concat(chunks, length).subarray(0, limit), complete: false };
    }
  }
  return { bytes: concat(chunks, length), complete: true };
}

/** One buffer of `chunks`, without a copy when there is one chunk. */
export function concat(chunks: Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    whole.set(c, offset);
    offset += c.byteLength;
  }
  return whole;
}

/**
 * A body whose every chunk feeds the watchdog (for translated streams, whose output can lag their input), and
 * goes through `check` (which may throw to fail the stream, e.g. an SSE event over its size limit).
 */
export function touching(body: ReadableStream<Uint8Array>, watchdog: Watchdog, check?: (chunk: Uint8Array) => void): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        watchdog.touch();
        check?.(chunk);
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
  const cause = (err as { cause?: { code?: unknown; message?: unknown; status?: unknown } })?.cause;
  // Node's client cannot carry a status a Response cannot (below 200, above 599): it reports it instead.
  if (cause?.code === 'UND_ERR_INVALID_STATUS' && typeof cause.status === 'number') return badStatus(cause.status, opts.providerId);
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (err as Error)?.message ?? 'unknown error';
  return new GatewayError(502, 'upstream_error', 'upstream_unreachable', redact(`Could not reach provider "${opts.providerId}": ${detail}.`, opts.secrets));
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Map an upstream 4xx/5xx to an OpenAI-shaped error: same status (529 → 503), upstream's type and code, and
 * the upstream headers a client may see (`retry-after`, `x-ratelimit-*`, ...). Every field that came from the
 * upstream is redacted. Only the first `maxErrorBytes` of the body are read (the rest is not: the connection is
 * closed); an encoded body is not read at all (the gateway asked for none, and will not inflate one).
 */
async function upstreamHttpError(exchange: UpstreamExchange, opts: UpstreamOptions): Promise<GatewayError> {
  const { response } = exchange;
  const status = response.status === 529 ? 503 : response.status;
  let text = '';
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') cancelBody(response);
  else {
    try {
      const { bytes, complete } = await readUpTo(response, exchange, opts.maxErrorBytes ?? MAX_ERROR_BODY);
      // Cut by the read limit: no half character, and no trailing start of a key (redaction could not see it).
      text = complete ? utf8.decode(bytes) : withoutSecretStart(new TextDecoder().decode(bytes, { stream: true }), opts.secrets);
    } catch {
      // The body failed; the status alone still says what happened.
    }
  }
  const parsed = parseErrorBody(text, opts.secrets);
  const clean = (v: string | undefined) => (v === undefined ? null : redact(v, opts.secrets));
  const message = redact(parsed.message ?? `Provider "${opts.providerId}" answered HTTP ${response.status}.`, opts.secrets);
  const { 'content-type': _, ...headers } = responseHeaders(response.headers, undefined, opts.providerId, opts.secrets);
  // Google says when to retry in the body only (a RetryInfo detail): a header every route's clients read.
  if (parsed.retryAfter !== undefined && headers['retry-after'] === undefined) headers['retry-after'] = parsed.retryAfter;
  return new GatewayError(status, clean(parsed.type) ?? 'upstream_error', clean(parsed.code), message, clean(parsed.param), response.status, headers);
}

/**
 * A status the gateway does not relay: 1xx, 3xx (redirects are never followed: a redirect could take the key or
 * the prompt to another origin) and anything over 599. A 502 naming the status.
 */
function unrelayedStatus(exchange: UpstreamExchange, opts: UpstreamOptions): GatewayError {
  const { response } = exchange;
  cancelBody(response);
  return badStatus(response.status, opts.providerId, response.headers, opts.secrets);
}

export function badStatus(status: number, providerId: string, upstreamHeaders?: Headers, secrets: readonly string[] = []): GatewayError {
  const what = status >= 300 && status <= 399 ? 'a redirect, which the gateway never follows' : 'a status the gateway does not relay';
  const headers = upstreamHeaders ? responseHeaders(upstreamHeaders, undefined, providerId, secrets) : undefined;
  if (headers) delete headers['content-type'];
  return new GatewayError(502, 'upstream_error', 'upstream_error', `Provider "${providerId}" answered HTTP ${status} (${what}).`, null, status, headers);
}

interface ParsedError {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
  /** Whole seconds, from Google's `RetryInfo` detail (`"retryDelay": "7s"`, `"36.5s"`). */
  retryAfter?: string;
}

/** Google's `RetryInfo.retryDelay` in whole seconds (rounded up), when a detail carries one. */
function retryDelayOf(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const delay = (d as { retryDelay?: unknown } | null)?.retryDelay;
    const m = typeof delay === 'string' ? /^(\d{1,9})(\.\d+)?s$/.exec(delay) : null;
    if (m) return String(Number(m[1]) + (m[2] && Number(m[2]) > 0 ? 1 : 0));
  }
  return undefined;
}

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * Understands OpenAI's and Anthropic's `{error:{...}}`, Google's (`{error:{code: 429, message, status:
 * "RESOURCE_EXHAUSTED"}}`, also wrapped in an array: its status string is the code), FastAPI's `{detail}`,
 * `{message}`, and plain text (its first 500 characters, cut after `secrets` are redacted from the whole, so that
 * no cut leaves a piece of a key).
 */
export function parseErrorBody(text: string, secrets: readonly string[] = []): ParsedError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const trimmed = redact(text.trim(), secrets).slice(0, 500);
    return trimmed ? { message: trimmed } : {};
  }
  if (Array.isArray(json)) json = json[0];
  if (typeof json !== 'object' || json === null) return {};
  const o = json as Record<string, unknown>;
  const e = o.error;
  if (typeof e === 'object' && e !== null) {
    const err = e as Record<string, unknown>;
    const code = typeof err.code === 'number' && typeof err.status === 'string' ? err.status : err.code;
    return { message: s(err.message), type: s(err.type), code: s(code), param: s(err.param), retryAfter: retryDelayOf(err.details) };
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

/**
 * The upstream response headers a client may see (CONTRACT §4); everything else is dropped. Their values are
 * redacted (a provider may echo the key it received in a request id or a rate-limit header), and a rate-limit
 * header whose name holds a key is dropped (a name cannot carry `[redacted]`).
 */
export function responseHeaders(upstream: Headers, requestId: string | undefined, providerId: string, secrets: readonly string[]): Record<string, string> {
  // A plain record: Response constructors on Node and Bun take it on their fast path.
  const out: Record<string, string> = {};
  upstream.forEach((value, name) => {
    if (PASS_HEADERS.has(name) || ((name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-')) && !nameHoldsSecret(name, secrets))) {
      out[name] = redact(value, secrets);
    }
  });
  const upstreamId = upstream.get('x-request-id') ?? upstream.get('request-id');
  if (upstreamId) out['x-upstream-request-id'] = redact(upstreamId, secrets);
  if (requestId !== undefined) out['x-request-id'] = requestId;
  out['x-mini-llm-provider'] = providerId;
  return out;
}
