/**
 * Cloudflare Workers entry. Config comes from the Worker's bindings (`[vars]` and secrets), read once per
 * bindings object. Workers are public by default, so `/v1/*` is refused unless a gateway key is set
 * (`MINI_LLM_API_KEY`) or `MINI_LLM_ALLOW_UNAUTHENTICATED=true` says otherwise on purpose.
 */
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { GatewayError, errorResponse } from './errors.js';

type Handler = (request: Request) => Response | Promise<Response>;
const apps = new WeakMap<object, Handler>();

function appFor(env: Record<string, unknown>): Handler {
  let handler = apps.get(env);
  if (!handler) {
    try {
      const app = createApp(loadConfig(env), { refuseWithoutGatewayKey: true });
      handler = (request) => app.fetch(request);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // A Worker cannot refuse to start: answer every request with the configuration error instead.
      const message = `The gateway's configuration is invalid: ${err.message}`;
      handler = () => errorResponse(new GatewayError(500, 'server_error', 'invalid_configuration', message));
    }
    apps.set(env, handler);
  }
  return handler;
}

export default {
  fetch(request: Request, env: Record<string, unknown>): Response | Promise<Response> {
    return appFor(env)(request);
  },
};
