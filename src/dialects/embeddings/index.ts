/**
 * `POST /v1/embeddings`: the provider kind's adapter plans the exchange (`embeddings`). OpenAI-compatible
 * providers get `{base}/embeddings` with only `model` replaced and every other field untouched (`input` of any
 * form, `dimensions`, `encoding_format`), the answer's bytes back unchanged; Gemini's batchEmbedContents is
 * translated both ways. A kind without embeddings (Anthropic): a clear 400 naming the provider.
 */
import { errorResponse, invalidRequest, sseErrorFrame } from '../../errors.js';
import type { Dialect } from '../types.js';

export const embeddingsDialect: Dialect = {
  name: 'embeddings',
  plan({ body, provider, adapter, upstreamModel }) {
    if (!adapter.embeddings) {
      throw invalidRequest('unsupported_endpoint', `Provider "${provider.id}" (${provider.kind}) has no embeddings API; use an OpenAI-compatible provider's model.`, 'model');
    }
    return adapter.embeddings({ body, provider, upstreamModel });
  },
  errorResponse,
  failureFrame: (message, code) => sseErrorFrame(message, 'upstream_error', code),
};
