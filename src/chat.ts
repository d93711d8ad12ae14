/** `POST /v1/chat/completions`: parse, resolve the model, call the provider, stream the answer back. */
import type { Context } from 'hono';
import type { Config } from './config.js';
import { GatewayError, invalidRequest } from './errors.js';
import type { Logger, RequestLog } from './log.js';
import { resolveModel } from './models.js';
import { adapterFor } from './providers/index.js';
import type { ChatBody } from './providers/types.js';
import { guardBody, openUpstream, responseHeaders, type UpstreamFetch } from './upstream.js';

export interface ChatDeps {
  config: Config;
  fetch: UpstreamFetch;
  logger: Logger;
}

async function readJsonObject(c: Context): Promise<ChatBody> {
  const text = await c.req.text();
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

export async function handleChat(c: Context, deps: ChatDeps, log: RequestLog, started: number): Promise<Response> {
  const { config } = deps;
  const body = await readJsonObject(c);
  const model = body.model;
  if (typeof model !== 'string' || model === '') {
    throw invalidRequest('missing_model', 'The request body needs a "model" string.', 'model');
  }
  log.model = model;
  const resolved = resolveModel(config, model);
  const provider = resolved.provider;
  log.alias = resolved.alias;
  log.provider = provider.id;
  const stream = body.stream === true;
  log.stream = stream;
  const adapter = adapterFor(provider.kind);
  const call = adapter.chatRequest({ body, provider, upstreamModel: resolved.upstreamModel });
  call.headers['x-request-id'] = log.request_id;

  const exchange = await openUpstream(call, {
    fetch: deps.fetch,
    timeoutMs: config.timeoutMs,
    clientSignal: c.req.raw.signal,
    providerId: provider.id,
    secrets: config.secrets,
  });
  const { response } = exchange;
  log.upstream_status = response.status;
  const headers = responseHeaders(response.headers, log.request_id, provider.id);

  let source = response.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
  if (adapter.chatResponse) {
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    let translated;
    try {
      translated = await adapter.chatResponse(response, { stream, includeUsage });
    } catch (err) {
      exchange.watchdog.stop();
      if (err instanceof GatewayError) throw err;
      throw exchange.watchdog.fired
        ? new GatewayError(504, 'upstream_error', 'upstream_timeout', `Provider "${provider.id}" went silent for ${config.timeoutMs} ms.`)
        : new GatewayError(502, 'upstream_error', 'upstream_disconnected', `Provider "${provider.id}" sent an incomplete or unreadable answer.`);
    }
    source = translated.body;
    headers.set('content-type', translated.contentType);
  }
  const sse = (headers.get('content-type') ?? '').includes('text/event-stream');
  log.outcome = 'streaming';
  const guarded = guardBody(source, exchange, {
    sse,
    timeoutMs: config.timeoutMs,
    onEnd: (end) => {
      log.outcome = end.outcome;
      log.bytes = end.bytes;
      if (end.firstByteAt !== undefined) log.ttfb_ms = end.firstByteAt - started;
      if (end.outcome !== 'ok') log.error_code = end.outcome;
      deps.logger.request({ ...log, duration_ms: Date.now() - started });
    },
  });
  return new Response(guarded, { status: response.status, headers });
}
