/**
 * `POST /v1/embeddings`: OpenAI-compatible providers get `{base}/embeddings` with only `model` replaced and
 * every other field untouched (`input` of any form, `dimensions`, `encoding_format`), the answer's bytes back
 * unchanged. Anthropic has no embeddings API: a clear 400 naming the provider.
 */
import { errorResponse, invalidRequest, sseErrorFrame } from '../../errors.js';
import { authHeaders } from '../../providers/types.js';
import type { Dialect } from '../types.js';

export const embeddingsDialect: Dialect = {
  name: 'embeddings',
  plan({ body, provider, upstreamModel }) {
    if (provider.kind !== 'openai-compatible') {
      throw invalidRequest('unsupported_endpoint', `Provider "${provider.id}" (${provider.kind}) has no embeddings API; use an OpenAI-compatible provider's model.`, 'model');
    }
    return {
      call: {
        url: provider.embeddingsUrl,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders(provider) },
        body: JSON.stringify({ ...body, model: upstreamModel }),
      },
    };
  },
  errorResponse,
  failureFrame: (message, code) => sseErrorFrame(message, 'upstream_error', code),
};
