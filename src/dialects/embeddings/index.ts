/**
 * `POST /v1/embeddings`: the provider kind's adapter plans the exchange (`embeddings`). OpenAI-compatible
 * providers get `{base}/embeddings` with only `model` replaced and every other field untouched (`input` of any
 * form, `dimensions`, `encoding_format`), the answer's bytes back unchanged; Gemini's batchEmbedContents is
 * translated both ways. A kind without embeddings (Anthropic): a clear 400 naming the provider.
 */
import { errorResponse, invalidRequest, sseErrorFrame } from '../../errors.js';
import type { EmbeddingsExchange } from '../../providers/types.js';
import type { Dialect, PlanInput } from '../types.js';

/** The provider kind's embeddings exchange for an OpenAI embeddings `body`; a 400 for a kind without embeddings. */
export function embeddingsExchange({ body, provider, adapter, upstreamModel }: PlanInput): EmbeddingsExchange {
  if (!adapter.embeddings) {
    throw invalidRequest('unsupported_endpoint', `Provider "${provider.id}" (${provider.kind}) has no embeddings API; use an OpenAI-compatible provider's model.`, 'model');
  }
  return adapter.embeddings({ body, provider, upstreamModel });
}

export const embeddingsDialect: Dialect = {
  name: 'embeddings',
  plan: embeddingsExchange,
  errorResponse,
  failureFrame: (message, code) => sseErrorFrame(message, 'upstream_error', code),
};
