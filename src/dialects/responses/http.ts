/**
 * The rest of `/v1/responses` besides POST: Codex first tries a WebSocket against OpenAI-like providers and
 * falls back to HTTP on a 426; stored responses cannot be fetched or deleted, because nothing is stored.
 */
import type { Hono } from 'hono';
import type { GatewayEnv } from '../../app.js';
import { errorResponse, GatewayError } from '../../errors.js';

export function responsesExtras(app: Hono<GatewayEnv>): void {
  app.get('/v1/responses', (c, next) => {
    if ((c.req.header('upgrade') ?? '').toLowerCase() !== 'websocket') return next();
    return errorResponse(new GatewayError(426, 'invalid_request_error', 'websocket_not_supported', 'WebSockets are not supported on /v1/responses; send POST /v1/responses (server-sent events when "stream" is true).'));
  });
  app.on(['GET', 'DELETE'], '/v1/responses/:id{.+}', (c) => {
    const id = c.req.param('id').replace(/\/(cancel|input_items)$/, '');
    return errorResponse(new GatewayError(404, 'invalid_request_error', 'not_found', `Response with id '${id}' not found: this gateway is stateless and stores no responses.`, 'response_id'));
  });
}
