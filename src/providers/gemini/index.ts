/**
 * The Gemini adapter: OpenAI chat in, Google's native `generateContent` upstream (`{root}/v1beta/models/{model}:
 * generateContent`, or `:streamGenerateContent?alt=sse` for streams; the key in `x-goog-api-key`), OpenAI chat
 * out. Request in request.ts and contents.ts, answers in response.ts and stream.ts, thought signatures in
 * signatures.ts, embeddings (`:batchEmbedContents`) in embeddings.ts. Served from every route through the pivot.
 */
import type { Provider } from '../../config.js';
import { chatAnswer, jsonBody, jsonCall, modelsCall } from '../exchange.js';
import type { ModelList, ProviderAdapter, UpstreamCall } from '../types.js';
import { toBatchEmbedRequest, toEmbeddingsAnswer } from './embeddings.js';
import { toGeminiRequest } from './request.js';
import { modelName } from './models.js';
import { toChatCompletion, type GeminiAnswer } from './response.js';
import { geminiToChatStream } from './stream.js';

/** `{root}/v1beta/models/{model}:{action}` (a `models/` the client may have written is not repeated). */
export const actionUrl = (provider: Provider, model: string, action: string) => `${provider.chatUrl}/${encodeURIComponent(modelName(model))}:${action}`;

/** What an answer's translation needs to know about its request. */
const requests = new WeakMap<UpstreamCall, { model: string; providerId: string }>();

export const gemini: ProviderAdapter = {
  chatRequest({ body, provider, upstreamModel }) {
    const stream = body.stream === true;
    const call = jsonCall(actionUrl(provider, upstreamModel, stream ? 'streamGenerateContent?alt=sse' : 'generateContent'), provider, toGeminiRequest(body, upstreamModel), stream);
    requests.set(call, { model: upstreamModel, providerId: provider.id });
    return call;
  },
  chatResponse(upstream, { stream, includeUsage, call }) {
    const request = (call && requests.get(call)) ?? { model: '', providerId: 'gemini' };
    return chatAnswer(upstream, stream, (body) => geminiToChatStream(body, { includeUsage, model: request.model }), (answer: GeminiAnswer) => toChatCompletion(answer, request));
  },
  embeddings({ body, provider, upstreamModel }) {
    const model = modelName(upstreamModel);
    return {
      call: jsonCall(actionUrl(provider, model, 'batchEmbedContents'), provider, toBatchEmbedRequest(body, model), false),
      translate: async (upstream) => jsonBody(toEmbeddingsAnswer(await upstream.json(), upstreamModel, body.encoding_format === 'base64')),
    };
  },
};

/** `GET {root}/v1beta/models` (one page of up to 1000). */
export const geminiModelList: ModelList = {
  request: (provider) => modelsCall(provider, `${provider.modelsUrl}?pageSize=1000`),
  /** `{models: [{name: "models/gemini-2.5-flash", ...}]}` → the names without `models/`. */
  ids(json) {
    const models = (json as { models?: unknown })?.models;
    if (!Array.isArray(models)) return [];
    return models.map((m) => (m as { name?: unknown })?.name).filter((n): n is string => typeof n === 'string').map(modelName);
  },
};
