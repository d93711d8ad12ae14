/**
 * OpenAI's Responses API as the upstream of chat requests the gateway translates (issue 18): `/v1/messages` to a
 * provider that speaks Responses (`responses: true`), and chat requests to one that opts in (`chatViaResponses`).
 * Reasoning models keep their reasoning across a tool loop only there (chat has no carrier for it, and OpenAI's
 * gpt-5.x refuse function tools with `reasoning_effort` on chat). The request goes to `{base}/responses`
 * (request.ts); the answer comes back as chat, whole (response.ts) or streamed (stream.ts).
 */
import type { Provider } from '../../config.js';
import { authHeaders, listedModelIds, type ProviderAdapter, type UpstreamCall } from '../types.js';
import { toResponsesRequest } from './request.js';
import { toChatCompletion } from './response.js';
import { responsesToChatStream } from './stream.js';

const encoder = new TextEncoder();

/** Each call's provider key, scrubbed from the error messages the answer may carry. */
const callSecrets = new WeakMap<UpstreamCall, readonly string[]>();

const secretsOf = (provider: Provider): readonly string[] => (provider.apiKey ? [provider.apiKey] : []);

export const openAIResponses: ProviderAdapter = {
  chatRequest({ body, provider, upstreamModel }) {
    const call: UpstreamCall = {
      url: provider.responsesUrl,
      headers: {
        'content-type': 'application/json',
        accept: body.stream === true ? 'text/event-stream' : 'application/json',
        ...authHeaders(provider),
      },
      body: JSON.stringify(toResponsesRequest(body, upstreamModel)),
    };
    callSecrets.set(call, secretsOf(provider));
    return call;
  },
  async chatResponse(upstream, { stream, includeUsage, call }) {
    const secrets = (call && callSecrets.get(call)) ?? [];
    if (stream) {
      const body = upstream.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { body: responsesToChatStream(body, { includeUsage, secrets }), contentType: 'text/event-stream; charset=utf-8' };
    }
    const answer = (await upstream.json()) as Record<string, unknown>;
    return { body: encoder.encode(JSON.stringify(toChatCompletion(answer, secrets))), contentType: 'application/json' };
  },
  modelsRequest(provider) {
    return { url: provider.modelsUrl, headers: { accept: 'application/json', ...authHeaders(provider) } };
  },
  modelIds: listedModelIds,
};
