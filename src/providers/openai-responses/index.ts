/**
 * OpenAI's Responses API as the upstream of chat requests the gateway translates (issue 18): `/v1/messages` to a
 * provider that speaks Responses (`responses: true`), and chat requests to one that opts in (`chatViaResponses`).
 * Reasoning models keep their reasoning across a tool loop only there (chat has no carrier for it, and OpenAI's
 * gpt-5.x refuse function tools with `reasoning_effort` on chat). The request goes to `{base}/responses`
 * (request.ts); the answer comes back as chat, whole (response.ts) or streamed (stream.ts).
 */
import type { Provider } from '../../config.js';
import { chatAnswer, jsonCall, modelsCall } from '../exchange.js';
import { listedModelIds, type ProviderAdapter, type UpstreamCall } from '../types.js';
import { toResponsesRequest } from './request.js';
import { toChatCompletion } from './response.js';
import { responsesToChatStream } from './stream.js';

/** Each call's provider key, scrubbed from the error messages the answer may carry. */
const callSecrets = new WeakMap<UpstreamCall, readonly string[]>();

const secretsOf = (provider: Provider): readonly string[] => (provider.apiKey ? [provider.apiKey] : []);

export const openAIResponses: ProviderAdapter = {
  chatRequest({ body, provider, upstreamModel }) {
    const call = jsonCall(provider.responsesUrl, provider, toResponsesRequest(body, upstreamModel), body.stream === true);
    callSecrets.set(call, secretsOf(provider));
    return call;
  },
  chatResponse(upstream, { stream, includeUsage, call }) {
    const secrets = (call && callSecrets.get(call)) ?? [];
    return chatAnswer(upstream, stream, (body) => responsesToChatStream(body, { includeUsage, secrets }), (answer) => toChatCompletion(answer, secrets));
  },
  modelsRequest: (provider) => modelsCall(provider),
  modelIds: listedModelIds,
};
