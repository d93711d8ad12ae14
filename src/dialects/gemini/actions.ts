/**
 * `POST /v1beta/models/{model}:{action}` (and the same under `/v1/`): the model is everything between
 * `models/` and the last `:` (it may hold `/` and `:`), the action what follows.
 */
import type { HonoRequest } from 'hono';
import { GatewayError } from '../../errors.js';
import type { RequestTarget } from '../types.js';

/** The actions, as the dialect names them: a stream is SSE with `?alt=sse`, else one streamed JSON array. */
export type GeminiAction = 'generateContent' | 'streamSse' | 'streamArray' | 'countTokens' | 'embedContent' | 'batchEmbedContents';

const ACTIONS = new Set(['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents']);

export const V1BETA = '/v1beta/models/';
export const V1 = '/v1/models/';

const usage = `use POST /v1beta/models/{model}:{${[...ACTIONS].join('|')}}`;

export function requestTarget(req: HonoRequest): RequestTarget {
  const path = req.path;
  const start = path.startsWith(V1BETA) ? V1BETA.length : path.startsWith(V1) ? V1.length : -1;
  const colon = path.lastIndexOf(':');
  const action = path.slice(colon + 1);
  if (start < 0 || colon <= start || !ACTIONS.has(action)) {
    throw new GatewayError(404, 'invalid_request_error', 'not_found', `Unknown route: POST ${path}; ${usage}.`);
  }
  const model = path.slice(start, colon);
  if (action !== 'streamGenerateContent') return { model, stream: false, action };
  return { model, stream: true, action: req.query('alt') === 'sse' ? 'streamSse' : 'streamArray' };
}
