/**
 * The end of a pass-through Responses stream that failed after it began. The gateway passes the provider's
 * bytes on without reading them, so it knows neither the response id nor the last `sequence_number`: it sends
 * an `error` event (which the openai SDK raises as an APIError with this message) and then `response.failed`
 * (which Codex and the Agents SDK read), numbered 2^53−2 and 2^53−1 so that they come after any event the
 * provider could have sent, under a response id of the gateway's own. Translated streams know both and end
 * with `response.failed` alone (stream.ts).
 */
import type { FailureFrame } from '../types.js';
import { newId, responseObject, type Echo } from './envelope.js';

export const LAST_SEQUENCE_NUMBER = Number.MAX_SAFE_INTEGER;

const frame = (type: string, payload: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;

export function passThroughFailure(echo: Echo): FailureFrame {
  return (message, code) => {
    const text = `${message} (${code})`;
    const failed = responseObject(echo, {
      id: newId('resp'),
      created_at: Math.floor(Date.now() / 1000),
      status: 'failed',
      output: [],
      error: { code: 'server_error', message: text },
    });
    return (
      frame('error', { sequence_number: LAST_SEQUENCE_NUMBER - 1, code, message: text, param: null }) +
      frame('response.failed', { sequence_number: LAST_SEQUENCE_NUMBER, response: failed })
    );
  };
}
