/**
 * Errors on the Gemini routes in Google's shape (DIALECTS.md "Error shapes follow the route"):
 * `{"error":{"code","message","status"}}` with the gRPC status name for the HTTP status; an upstream's
 * `retry-after` also as a `RetryInfo` detail, which Gemini CLI's retry loop honours. Mid-stream, one
 * `data: {"error":{...}}` chunk (or the last element of a streamed JSON array).
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
import type { GatewayError } from '../../errors.js';

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Google's status name for an HTTP status (its table; other 4xx are invalid arguments, other 5xx internal). */
export const googleStatus = (code: number): string => STATUS[code] ?? (code >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');

/** The HTTP status a Google client sees: a 413 is Google's 400 (it has no 413), an upstream's 529 a 503. */
const clientStatus = (status: number) => (status === 413 ? 400 : status === 529 ? 503 : status);

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

export function googleErrorBody(status: number, message: string, retryAfter?: string): GoogleErrorBody {
  const code = clientStatus(status);
  const body: GoogleErrorBody = { error: { code, message, status: googleStatus(code) } };
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? retryAfter.trim() : undefined;
  if (seconds !== undefined) body.error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` }];
  return body;
}

export function geminiErrorResponse(err: GatewayError, headers?: Record<string, string>): Response {
  const body = googleErrorBody(err.status, err.message, err.headers?.['retry-after']);
  return new Response(JSON.stringify(body), {
    status: body.error.code,
    headers: { ...err.headers, ...headers, 'content-type': 'application/json; charset=UTF-8' },
  });
}

/** The HTTP status that stands for the gateway's mid-stream failure `code` (a silent provider: a deadline). */
export const failureStatus = (code: string) => (code === 'upstream_timeout' ? 504 : code === 'upstream_disconnected' ? 503 : 500);

/** One SSE chunk that ends a Gemini stream which failed after it began. */
export const geminiFailureFrame = (message: string, code: string) => `data: ${JSON.stringify(googleErrorBody(failureStatus(code), message))}\n\n`;
