/**
 * Errors on the Messages routes in Anthropic's shape (DIALECTS.md "Error shapes follow the route"):
 * `{"type":"error","error":{"type","message"}}` with the status's Anthropic type, the same status, and the
 * error's headers (an upstream's `retry-after`, rate-limit headers); mid-stream, one `event: error` with that body.
 * @see https://docs.claude.com/en/api/errors
 */
import type { GatewayError } from '../../errors.js';

/** The Anthropic error type for an HTTP status (Anthropic's table; other 4xx are invalid requests, other 5xx api errors). */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export const anthropicErrorBody = (type: string, message: string): AnthropicErrorBody => ({ type: 'error', error: { type, message } });

/**
 * The status a Messages client sees: the error's, except that an upstream's 529 (which the shared upstream
 * mapping reports as 503 to OpenAI clients) stays 529, as Anthropic's own clients expect.
 */
const clientStatus = (err: GatewayError) => (err.upstreamStatus === 529 ? 529 : err.status);

export function messagesErrorResponse(err: GatewayError, headers?: Record<string, string>): Response {
  const status = clientStatus(err);
  // The type follows the status, as on Anthropic's API (an OpenAI-shaped upstream's `requests`/`tokens` types mean nothing to these clients).
  const type = anthropicErrorType(status);
  return new Response(JSON.stringify(anthropicErrorBody(type, err.message)), {
    status,
    headers: { ...err.headers, ...headers, 'content-type': 'application/json' },
  });
}

/** One `event: error` frame: how a Messages stream that failed after it began ends. */
export function messagesErrorFrame(message: string, type = 'api_error'): string {
  return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(type, message))}\n\n`;
}

/** The gateway's mid-stream failure (`code`: upstream_timeout, upstream_disconnected, ...) as a Messages event. */
export const messagesFailureFrame = (message: string, code: string) => messagesErrorFrame(message, code === 'upstream_timeout' ? 'timeout_error' : 'api_error');
