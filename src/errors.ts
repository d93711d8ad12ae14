/**
 * The one place that builds OpenAI-shaped errors:
 * `{"error":{"message","type","param","code"}}` (CONTRACT §5).
 * No other module writes `{error: ...}` by hand.
 */

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error the gateway answers with; thrown anywhere in request handling, rendered by the app. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    /** The provider's HTTP status, when this error maps an upstream answer. */
    readonly upstreamStatus?: number,
    /** Headers to send with the error (the upstream's `retry-after`, `x-ratelimit-*`, ... when it maps one). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  toJSON(): OpenAIErrorBody {
    return errorBody(this.message, this.type, this.code, this.param);
  }
}

export function errorBody(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

export function errorResponse(err: GatewayError, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(err.toJSON()), {
    status: err.status,
    headers: { ...err.headers, ...headers, 'content-type': 'application/json' },
  });
}

/** One SSE frame that ends a stream with an error; openai-node raises it as an APIError. */
export function sseErrorFrame(message: string, type: string, code: string | null): string {
  return `data: ${JSON.stringify(errorBody(message, type, code))}\n\n`;
}

/**
 * A 2xx answer whose body is an error (some OpenAI-compatible servers answer `{"error":...}` with 200, an
 * Anthropic-compatible one `{"type":"error","error":{...}}`): the error to answer with, never an empty success.
 * Its status is the error's `code` when that is an HTTP error status, else 502. Rendered redacted by the app, as
 * every error is.
 */
export function errorInAnswer(error: unknown, providerId: string): GatewayError {
  const e = (typeof error === 'object' && error !== null ? error : { message: error }) as Record<string, unknown>;
  const status = typeof e.code === 'number' && e.code >= 400 && e.code < 600 ? e.code : 502;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : `Provider "${providerId}" answered with an error.`;
  return new GatewayError(status, 'upstream_error', typeof e.status === 'string' ? e.status : null, message, null, 200);
}

export const invalidRequest = (code: string, message: string, param: string | null = null) =>
  new GatewayError(400, 'invalid_request_error', code, message, param);

/**
 * A stream cut by one of the gateway's limits after it began (e.g. an SSE event over MINI_LLM_MAX_EVENT_BYTES):
 * the stream guard ends the stream with a failure frame carrying this `code` and message.
 */
export class StreamLimitError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StreamLimitError';
  }
}
