/**
 * Every model route's one pipeline: parse the JSON body, resolve the model, let the route's dialect plan the
 * upstream call, call the provider, and pass the answer back (bytes unchanged, or translated by the plan),
 * streams guarded and logged when they end. Routes differ only in their dialect (`dialects/`).
 */
import type { Context } from 'hono';
import type { GatewayEnv } from './app.js';
import type { Config } from './config.js';
import type { Dialect, FailureFrame } from './dialects/types.js';
import { GatewayError, invalidRequest } from './errors.js';
import type { Logger, RequestLog } from './log.js';
import { resolveModel } from './models.js';
import { adapterFor } from './providers/index.js';
import type { ChatBody } from './providers/types.js';
import { guardBody, pushBodyOf, type GuardOptions } from './stream-guard.js';
import { jsonDepthExceeds } from './json-depth.js';
import { sseEventLimit } from './sse.js';
import { answerTooLarge, bodyFailure, openUpstream, readWhole, redactBytes, responseHeaders, touching, type UpstreamFetch } from './upstream.js';

export interface RelayDeps {
  config: Config;
  fetch: UpstreamFetch;
  logger: Logger;
}

/** The client hung up before its request body was complete: a 499 (logged as such), never a 500. */
export const uploadCut = () => new GatewayError(499, 'invalid_request_error', 'client_closed', 'The client closed the connection before its body was complete.');

/**
 * The request body as a JSON object, or a 400. Nesting deeper than `maxDepth` is refused before anything
 * recursive sees it (a cheap scan of the text: JSON.parse on some runtimes, and JSON.stringify everywhere, would
 * overflow the stack or stall the server). A client that hangs up mid-upload is a 499, not a gateway failure.
 */
export async function readJsonObject(c: Context, maxDepth = 128): Promise<ChatBody> {
  let text: string;
  try {
    text = await c.req.text();
  } catch (err) {
    throw err instanceof GatewayError ? err : uploadCut();
  }
  if (jsonDepthExceeds(text, maxDepth)) {
    throw invalidRequest('json_too_deep', `The request body nests deeper than ${maxDepth} levels (MINI_LLM_MAX_JSON_DEPTH).`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidRequest('invalid_json', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('invalid_json', 'The request body must be a JSON object.');
  }
  return body as ChatBody;
}

export async function relay(c: Context<GatewayEnv>, dialect: Dialect, deps: RelayDeps): Promise<Response> {
  const { config } = deps;
  const log = c.get('log');
  const started = c.get('started');
  const body = await readJsonObject(c, config.maxJsonDepth);
  // The body's `model` and `stream`, unless the dialect's API puts them elsewhere (Gemini's path and action).
  const target = dialect.requestOf?.(c, body);
  const model = target ? target.model : body.model;
  const wantsStream = target ? target.stream : body.stream === true;
  if (typeof model !== 'string' || model === '') {
    throw invalidRequest('missing_model', 'The request body needs a "model" string.', 'model');
  }
  log.model = model;
  const resolved = resolveModel(config, model);
  const provider = resolved.provider;
  log.alias = resolved.alias;
  log.provider = provider.id;
  log.stream = wantsStream;
  const planned = dialect.plan({ body, provider, adapter: adapterFor(provider.kind), upstreamModel: resolved.upstreamModel, headers: c.req.raw.headers, action: target?.action });
  if ('local' in planned) return localAnswer(log, started, provider.id, planned.local);
  const plan = planned;
  const { call } = plan;
  call.headers['x-request-id'] = log.request_id;

  const exchange = await openUpstream(call, {
    fetch: deps.fetch,
    timeoutMs: config.timeoutMs,
    clientSignal: c.req.raw.signal,
    providerId: provider.id,
    secrets: config.secrets,
    maxErrorBytes: config.maxErrorBytes,
  }).catch((err: unknown) => {
    const recovered = err instanceof GatewayError ? plan.recover?.(err) : undefined;
    if (recovered === undefined) throw err;
    log.upstream_status = (err as GatewayError).upstreamStatus;
    return { recovered };
  });
  if ('recovered' in exchange) return localAnswer(log, started, provider.id, exchange.recovered);
  const { response } = exchange;
  log.upstream_status = response.status;
  const headers = responseHeaders(response.headers, log.request_id, provider.id, config.secrets);
  const failureFrame = plan.failureFrame ?? dialect.failureFrame;

  const { watchdog } = exchange;
  const isStream = plan.stream === true || (response.headers.get('content-type') ?? '').includes('text/event-stream');
  // The client asked for one JSON document and the upstream streamed anyway: the plan assembles the answer.
  const assemble = isStream && !wantsStream ? plan.assemble : undefined;
  // A pass-through stream from a client that can push its bytes (Node): a server that knows PUSH_ANSWER writes
  // them to its socket with no Web stream on either side; any other reader gets the same guarded bytes as a
  // Web stream.
  const paths = isStream && !plan.translate && !assemble ? exchange.push : undefined;
  const push = paths && pushBodyOf(response);
  if (paths && push) {
    keepUncompressed(headers);
    return paths.answer(push, exchange, streamed(c, deps, log, started, failureFrame), response.status, headers);
  }
  let answer: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer>;
  let translatedStream = false;
  try {
    if (!isStream) {
      // One JSON document, which no client can use before its last byte: read it whole (every chunk feeding the
      // silence watchdog), so that an upstream dying mid-body becomes a clean 502 rather than a truncated answer.
      answer = await readWhole(response, exchange, config.maxAnswerBytes, provider.id);
    } else answer = response.body ?? new Uint8Array(0);
    if (assemble) {
      // Read whole, so bounded as a whole answer is (and each event as in any translated stream).
      const raw = answer instanceof Uint8Array ? answer : touching(answer, watchdog, wholeStreamLimit(config, provider.id, response.status));
      const whole = await assemble(new Response(raw, response));
      answer = redactBytes(whole.body, config.secrets);
      headers['content-type'] = whole.contentType;
    } else if (plan.translate) {
      // A translated stream can consume upstream events that produce no output (pings, thinking): the raw
      // bytes feed the watchdog, so a provider that is still sending is never taken for a silent one. They are
      // also checked for an event that never ends before any parser buffers it (MINI_LLM_MAX_EVENT_BYTES).
      const raw = answer instanceof Uint8Array ? answer : touching(answer, watchdog, sseEventLimit(config.maxEventBytes));
      const translated = await plan.translate(new Response(raw, response), { stream: isStream, maxStreamState: config.maxStreamStateBytes });
      // What a translation emits is derived from the upstream (its error events included): redacted. Pass-through
      // bytes are not scanned.
      answer = translated.body instanceof Uint8Array ? redactBytes(translated.body, config.secrets) : translated.body;
      headers['content-type'] = translated.contentType;
      translatedStream = !(answer instanceof Uint8Array);
    }
  } catch (err) {
    watchdog.stop();
    throw err instanceof GatewayError ? err : bodyFailure(exchange, { providerId: provider.id, timeoutMs: config.timeoutMs });
  }

  if (answer instanceof Uint8Array) {
    watchdog.stop();
    log.outcome = 'ok';
    log.bytes = answer.byteLength;
    log.ttfb_ms = Date.now() - started;
    c.set('hasRequestId', true);
    return new Response(answer, { status: response.status, headers });
  }

  keepUncompressed(headers);
  const guard = streamed(c, deps, log, started, failureFrame);
  if (translatedStream && config.secrets.length > 0) guard.map = (chunk) => redactBytes(chunk as Uint8Array<ArrayBuffer>, config.secrets);
  return new Response(guardBody(answer, exchange, guard), { status: response.status, headers });
}

/**
 * The check on the raw bytes of a stream read whole: no event over MINI_LLM_MAX_EVENT_BYTES, and no more than
 * MINI_LLM_MAX_ANSWER_BYTES in all (a 502 `upstream_answer_too_large`; the rest is not read).
 */
function wholeStreamLimit(config: Config, providerId: string, status: number): (chunk: Uint8Array) => void {
  const eventLimit = sseEventLimit(config.maxEventBytes);
  let read = 0;
  return (chunk) => {
    eventLimit(chunk);
    read += chunk.byteLength;
    if (read > config.maxAnswerBytes) throw answerTooLarge(providerId, config.maxAnswerBytes, status);
  };
}

/**
 * A stream that is not an event stream (Google's streamed JSON array) is marked `content-encoding: identity`:
 * a server in front that compresses JSON (wrangler dev's, workers-sdk#6577) would otherwise hold it back until
 * it ends. Event streams are never compressed there.
 */
function keepUncompressed(headers: Record<string, string>): void {
  if (!(headers['content-type'] ?? '').includes('text/event-stream')) headers['content-encoding'] = 'identity';
}

/** An answer the dialect computed without the upstream. */
function localAnswer(log: RequestLog, started: number, providerId: string, answer: unknown): Response {
  const bytes = new TextEncoder().encode(JSON.stringify(answer));
  log.outcome = 'ok';
  log.bytes = bytes.byteLength;
  log.ttfb_ms = Date.now() - started;
  return new Response(bytes, { status: 200, headers: { 'content-type': 'application/json', 'x-mini-llm-provider': providerId } });
}

/** A stream: passed on chunk by chunk, and logged when it ends. */
function streamed(c: Context<GatewayEnv>, deps: RelayDeps, log: RequestLog, started: number, failureFrame: FailureFrame): GuardOptions {
  c.set('deferLog', true);
  c.set('hasRequestId', true);
  log.outcome = 'streaming';
  return {
    timeoutMs: deps.config.timeoutMs,
    failureFrame,
    onEnd: (end) => {
      log.outcome = end.outcome;
      log.bytes = end.bytes;
      if (end.firstByteAt !== undefined) log.ttfb_ms = end.firstByteAt - started;
      if (end.outcome !== 'ok') log.error_code = end.outcome;
      deps.logger.request({ ...log, duration_ms: Date.now() - started });
    },
  };
}
