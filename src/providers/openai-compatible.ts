/**
 * OpenAI-compatible providers (OpenAI, Nebius, DeepInfra, custom, presets): pass-through.
 * The body goes upstream with `model` replaced and every other field untouched, except the documented
 * quirks (PROVIDERS.md §2) and the reasoning state of earlier assistant messages, which goes in the provider's
 * carrier (`reasoning-carrier.ts`); the answer's bytes come back unchanged.
 */
import type { Provider } from '../config.js';
import { applyReasoningCarrier } from './reasoning-carrier.js';
import { jsonCall, modelsCall } from './exchange.js';
import { listedModelIds, type ChatBody, type ModelList, type ProviderAdapter } from './types.js';

/** Apply a provider's request quirks. Pure: returns a new body when something changes. */
export function applyQuirks(body: ChatBody, quirks: Provider['quirks']): ChatBody {
  let out = body;
  if (quirks.maxCompletionTokensToMaxTokens && out.max_completion_tokens !== undefined) {
    const { max_completion_tokens, ...rest } = out;
    out = { ...rest, max_tokens: rest.max_tokens ?? max_completion_tokens };
  }
  if (quirks.developerToSystem && Array.isArray(out.messages)) {
    const messages = out.messages as unknown[];
    if (messages.some(isDeveloper)) {
      out = { ...out, messages: messages.map((m) => (isDeveloper(m) ? { ...m, role: 'system' } : m)) };
    }
  }
  return out;
}

const isDeveloper = (m: unknown): m is Record<string, unknown> =>
  typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'developer';

export const openAICompatible: ProviderAdapter = {
  chatRequest({ body, provider, upstreamModel }) {
    const out = applyReasoningCarrier(applyQuirks({ ...body, model: upstreamModel }, provider.quirks), provider.reasoning);
    return jsonCall(provider.chatUrl, provider, out, body.stream === true);
  },
  // `{base}/embeddings` with only `model` replaced and every other field untouched; the answer's bytes back unchanged.
  embeddings: ({ body, provider, upstreamModel }) => ({ call: jsonCall(provider.embeddingsUrl, provider, { ...body, model: upstreamModel }, false) }),
};

/** `GET {base}/models` (OpenAI's list shape). */
export const openAIModelList: ModelList = { request: (provider) => modelsCall(provider), ids: listedModelIds };
