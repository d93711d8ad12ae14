/**
 * The Gemini adapter: OpenAI chat in, Google's native `generateContent` upstream (`{root}/v1beta/models/{model}:
 * generateContent`, or `:streamGenerateContent?alt=sse` for streams; the key in `x-goog-api-key`), OpenAI chat
 * out. Request in request.ts and contents.ts, answers in response.ts and stream.ts, thought signatures in
 * signatures.ts, embeddings (`:batchEmbedContents`) in embeddings.ts. Served from every route through the pivot.
 */
import type { Provider } from '../../config.js';
import { authHeaders, type ProviderAdapter, type UpstreamCall } from '../types.js';
import { toBatchEmbedRequest, toEmbeddingsAnswer } from './embeddings.js';
import { toGeminiRequest } from './request.js';
import { toChatCompletion, type GeminiAnswer } from './response.js';
import { geminiToChatStream } from './stream.js';

const encoder = new TextEncoder();

/** The model as Gemini's path takes it (a `models/` prefix the client may have written is dropped). */
const modelPath = (model: string) => encodeURIComponent(model.replace(/^models\//, ''));

/** `{root}/v1beta/models/{model}:{action}`. */
const actionUrl = (provider: Provider, model: string, action: string) => `${provider.chatUrl}/${modelPath(model)}:${action}`;

const jsonHeaders = (provider: Provider, accept = 'application/json') => ({ 'content-type': 'application/json', accept, ...authHeaders(provider) });

/** What an answer's translation needs to know about its request. */
const requests = new WeakMap<UpstreamCall, { model: string; secrets: string[] }>();

export const gemini: ProviderAdapter = {
  chatRequest({ body, provider, upstreamModel }) {
    const stream = body.stream === true;
    const call: UpstreamCall = {
      url: actionUrl(provider, upstreamModel, stream ? 'streamGenerateContent?alt=sse' : 'generateContent'),
      headers: jsonHeaders(provider, stream ? 'text/event-stream' : 'application/json'),
      body: JSON.stringify(toGeminiRequest(body, upstreamModel)),
    };
    requests.set(call, { model: upstreamModel, secrets: provider.apiKey ? [provider.apiKey] : [] });
    return call;
  },
  async chatResponse(upstream, { stream, includeUsage, call }) {
    const request = (call && requests.get(call)) ?? { model: '', secrets: [] };
    if (stream) {
      const body = upstream.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { body: geminiToChatStream(body, { includeUsage, model: request.model }), contentType: 'text/event-stream; charset=utf-8' };
    }
    const answer = (await upstream.json()) as GeminiAnswer;
    return { body: encoder.encode(JSON.stringify(toChatCompletion(answer, request))), contentType: 'application/json' };
  },
  modelsRequest(provider) {
    return { url: `${provider.modelsUrl}?pageSize=1000`, headers: { accept: 'application/json', ...authHeaders(provider) } };
  },
  /** `{models: [{name: "models/gemini-2.5-flash", ...}]}` → the names without `models/`. */
  modelIds(json) {
    const models = (json as { models?: unknown })?.models;
    if (!Array.isArray(models)) return [];
    return models.map((m) => (m as { name?: unknown })?.name).filter((n): n is string => typeof n === 'string').map((n) => n.replace(/^models\//, ''));
  },
  embeddings({ body, provider, upstreamModel }) {
    const model = upstreamModel.replace(/^models\//, '');
    return {
      call: { url: actionUrl(provider, model, 'batchEmbedContents'), headers: jsonHeaders(provider), body: JSON.stringify(toBatchEmbedRequest(body, model)) },
      async translate(upstream) {
        const answer = toEmbeddingsAnswer(await upstream.json(), upstreamModel, body.encoding_format === 'base64');
        return { body: encoder.encode(JSON.stringify(answer)), contentType: 'application/json' };
      },
    };
  },
};
