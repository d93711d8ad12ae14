/**
 * The rest of `/v1/responses` besides POST: Codex first tries a WebSocket against OpenAI-like providers and
 * falls back to HTTP on a 426; stored responses cannot be fetched or deleted, because nothing is stored.
 */
import type { Hono } from 'hono';
import type { GatewayEnv } from '../../app.js';
import { errorResponse, GatewayError } from '../../errors.js';
import type { RequestLog } from '../../log.js';

/** The request log says which route refused the request, and why, as for every other refusal. */
function logged(log: RequestLog, code: string): void {
  log.route = 'responses';
  log.error_code = code;
}

/**
 * The 426, before the gateway key is checked: Codex falls back to HTTP at once on a 426, but retries a refused
 * handshake (a 401) five times with backoff first (measured with Codex 0.169: six attempts, about 6 s). It says
 * nothing but that the route wants HTTP.
 */
export function refuseWebSocket(app: Hono<GatewayEnv>): void {
  app.get('/v1/responses', (c, next) => {
    if ((c.req.header('upgrade') ?? '').toLowerCase() !== 'websocket') return next();
    logged(c.get('log'), 'websocket_not_supported');
    return errorResponse(new GatewayError(426, 'invalid_request_error', 'websocket_not_supported', 'No WebSockets on /v1/responses: send POST /v1/responses ("stream": true for events).'));
  });
}

/** Stored responses: a clear 404 (behind the gateway key, like every /v1 route). */
export function noStoredResponses(app: Hono<GatewayEnv>): void {
  app.on(['GET', 'DELETE'], '/v1/responses/:id{.+}', (c) => {
    const id = c.req.param('id').replace(/\/(cancel|input_items)$/, '');
    logged(c.get('log'), 'not_found');
    return errorResponse(new GatewayError(404, 'invalid_request_error', 'not_found', `Response with id '${id}' not found: this gateway is stateless and stores no responses.`, 'response_id'));
  });
}
