/**
 * The app factory: builds the Hono app from a config object. No runtime-specific code here; the entries
 * (index.ts, bun.ts, worker.ts) pass the config, and optionally a faster upstream client.
 */
import type { HonoRequest, MiddlewareHandler } from 'hono';
import { HonoBase, type HonoOptions } from 'hono/hono-base';
import { PatternRouter } from 'hono/router/pattern-router';
import { bodyLimit } from 'hono/body-limit';
import { gatewayAuth } from './auth.js';
import type { Config } from './config.js';
import { dialectAt, DIALECTS, MODEL_ROUTES, routeAt } from './dialects/index.js';
import { noStoredResponses, refuseWebSocket } from './dialects/responses/http.js';
import { GatewayError } from './errors.js';
import { createLogger, type LogSink, type RequestLog } from './log.js';
import { listModels, retrieveModel } from './models.js';
import { redactError } from './redact.js';
import { relay, uploadCut, type RelayDeps } from './relay.js';
import { redact, type UpstreamFetch } from './upstream.js';

export interface AppOptions {
  /** The upstream HTTP client; defaults to the platform's `fetch`. */
  fetch?: UpstreamFetch;
  /** Public-by-default runtimes (Workers): refuse `/v1/*` unless a gateway key is set or the operator opted out. */
  refuseWithoutGatewayKey?: boolean;
  /** Where log lines go; defaults to stderr. */
  logSink?: LogSink;
  /**
   * Hono's router; defaults to its PatternRouter, the smallest (the Worker's bundle). Node and Bun pass Hono's
   * default (RegExpRouter, then TrieRouter), about 1 µs faster per request. Both match only the exact paths.
   */
  router?: HonoOptions<GatewayEnv>['router'];
}

export type GatewayEnv = { Variables: { log: RequestLog; started: number; deferLog: boolean; hasRequestId: boolean } };

/**
 * The platform's `fetch` as the upstream client (Bun, Workers, Node without undici). Redirects are never
 * followed (a redirect could take the key or the prompt to another origin): a 3xx comes back as it is, and the
 * gateway answers 502. `options` are a runtime's own fetch options (the Bun entry's `decompress: false`).
 */
export function platformFetch(options: Record<string, unknown> = {}): UpstreamFetch {
  return (url, { onBodyData: _, ...init }) => fetch(url, { ...init, ...options, redirect: 'manual' });
}

const defaultFetch = platformFetch();

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

export function createApp(config: Config, options: AppOptions = {}) {
  const logger = createLogger(config.log, options.logSink, config.secrets);
  const deps = {
    config,
    logger,
    fetch: options.fetch ?? defaultFetch,
  } satisfies RelayDeps;
  const app = new HonoBase<GatewayEnv>({ router: options.router ?? new PatternRouter() });

  app.use(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const log: RequestLog = { request_id: requestId, method: c.req.method, path: c.req.path };
    const started = Date.now();
    c.set('log', log);
    c.set('started', started);
    c.set('deferLog', false);
    await next();
    // Chat answers carry it already; set it on the others (errors, /health, /v1/models).
    if (!c.get('hasRequestId')) c.res.headers.set('x-request-id', requestId);
    log.status = c.res.status;
    if (!c.get('deferLog')) logger.request({ ...log, duration_ms: Date.now() - started });
  });

  // PatternRouter also matches a path with a trailing slash; no route has one, whatever the router.
  app.use(async (c, next) => (c.req.path.length > 1 && c.req.path.endsWith('/') ? c.notFound() : next()));

  app.get('/health', (c) => c.json({ status: 'ok' }));

  const refuseWithoutKeys = options.refuseWithoutGatewayKey === true && !config.allowUnauthenticated;
  refuseWebSocket(app); // 426 to a WebSocket attempt on /v1/responses, before the key check (see there)
  // Nothing to check (no gateway keys, and a runtime that may serve without them): no middleware at all.
  if (config.apiKeys.length > 0 || refuseWithoutKeys) {
    // A key where only one API's clients send it (Gemini's `?key=`): asked only when no key header came.
    const auth = gatewayAuth(config.apiKeys, refuseWithoutKeys, (req) => routeAt(req.path, req)?.keyOf?.(req));
    app.use('/v1/*', auth);
    for (const prefix of new Set(DIALECTS.map((d) => d.prefix))) if (prefix) app.use(`${prefix}/*`, auth);
  }

  // A dialect's own clients get the model list in their API's shape (Gemini's, to a Google client); others OpenAI's.
  const listings = DIALECTS.filter((d) => d.models);
  const listingFor = (req: HonoRequest) => (listings.length === 0 ? undefined : listings.find((d) => d.owns?.(req))?.models);
  app.get('/v1/models', (c) => {
    const listing = listingFor(c.req);
    return c.json(listing ? listing.list(config, c.req) : listModels(config));
  });
  // Model ids may contain slashes (`nebius/Qwen/Qwen3-...`): everything after /v1/models/ is the id.
  app.get('/v1/models/:id{.+}', (c) => {
    const listing = listingFor(c.req);
    return c.json(listing ? listing.retrieve(config, c.req.param('id')) : retrieveModel(config, c.req.param('id')));
  });
  for (const { models } of listings) {
    for (const root of models!.roots) {
      app.get(root, (c) => c.json(models!.list(config, c.req)));
      app.get(`${root}/:id{.+}`, (c) => c.json(models!.retrieve(config, c.req.param('id'))));
    }
  }

  // No `connection: close` on the 413: measured, it makes Bun (and Node, less often) close the socket while the
  // client is still sending, so the client sees EPIPE instead of its 413 (docs/runtimes.md, "Bun notes").
  const tooLarge = () => {
    throw new GatewayError(413, 'invalid_request_error', 'request_too_large', `The request body is larger than ${config.maxBodyBytes} bytes (MINI_LLM_MAX_BODY_BYTES).`);
  };
  const limitStreamedBody = bodyLimit({ maxSize: config.maxBodyBytes, onError: tooLarge });
  /** bodyLimit reads a chunked body itself: a client hanging up during that read is a 499, not a 500. */
  const limitChunkedBody: MiddlewareHandler<GatewayEnv> = async (c, next) => {
    let read = false;
    try {
      return await limitStreamedBody(c, () => ((read = true), next()));
    } catch (err) {
      throw read || err instanceof GatewayError ? err : uploadCut();
    }
  };
  // With a content-length the header decides, without touching c.req.raw.body (which on @hono/node-server
  // builds a full WHATWG Request); chunked bodies are counted by bodyLimit.
  const limitBody: MiddlewareHandler<GatewayEnv> = (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return limitChunkedBody(c, next);
    return Number.parseInt(length, 10) > config.maxBodyBytes ? tooLarge() : next();
  };
  noStoredResponses(app); // GET/DELETE /v1/responses/{id}: 404, nothing is stored
  const known = new Map([
    ['/health', 'GET'],
    ['/v1/models', 'GET'],
  ]);
  for (const [path, dialect] of MODEL_ROUTES) {
    if (!path.includes(':')) known.set(path, 'POST'); // exact paths (a pattern's 404 is its dialect's)
    app.post(path, limitBody, (c) => {
      c.get('log').route = dialect.name;
      return relay(c, dialect, deps);
    });
  }

  /**
   * Every error the gateway answers with, in the route's shape, with every configured secret redacted from it:
   * the one place, so that no mapper that builds an error from upstream text needs to know the secrets.
   */
  const renderError = (req: HonoRequest, err: GatewayError, headers?: Record<string, string>) =>
    dialectAt(req.path, req).errorResponse(redactError(err, config.secrets), headers);

  app.notFound((c) => {
    const allowed = known.get(c.req.path);
    // Logged like every refused request: its code, and the route whose shape answered ("unknown" off the model routes).
    const log = c.get('log');
    log.route = routeAt(c.req.path, c.req)?.name ?? 'unknown';
    log.error_code = 'not_found';
    if (allowed) {
      // CONTRACT §5: an unknown route (here, a known path with another method) is a 404; `allow` says which method.
      return renderError(c.req, new GatewayError(404, 'invalid_request_error', 'not_found', `Unknown route: ${c.req.method} ${c.req.path}; use ${allowed}.`), { allow: allowed });
    }
    return renderError(c.req, new GatewayError(404, 'invalid_request_error', 'not_found', `Unknown route: ${c.req.method} ${c.req.path}.`));
  });

  app.onError((err, c) => {
    const log = c.get('log');
    if (err instanceof GatewayError) {
      if (log) {
        log.error_code = err.code;
        if (err.upstreamStatus !== undefined) log.upstream_status = err.upstreamStatus;
      }
      return renderError(c.req, err);
    }
    if (log) log.error_code = 'internal_error';
    logger.error(redact(`unexpected error in ${c.req.method} ${c.req.path}: ${(err as Error)?.message ?? String(err)}`, config.secrets));
    logger.debug(redact(String((err as Error)?.stack), config.secrets));
    return renderError(c.req, new GatewayError(500, 'server_error', 'internal_error', 'The gateway failed unexpectedly; see its log.'));
  });

  return app;
}
