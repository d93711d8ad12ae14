/**
 * OpenAI's Responses API as the upstream of chat requests the gateway translates (issue 18): `/v1/messages` to a
 * provider that speaks Responses (`responses: true`), and chat requests to one that opts in (`chatViaResponses`).
 * Reasoning models keep their reasoning across a tool loop only there (chat has no carrier for it, and OpenAI's
 * gpt-5.x refuse function tools with `reasoning_effort` on chat). The request goes to `{base}/responses`
 * (request.ts); the answer comes back as chat, whole (response.ts) or streamed (stream.ts).
 */
import { chatAnswer, jsonCall } from '../exchange.js';
import type { ProviderAdapter } from '../types.js';
import { toResponsesRequest } from './request.js';
import { toChatCompletion } from './response.js';
import { responsesToChatStream } from './stream.js';

export const openAIResponses: ProviderAdapter = {
  chatRequest({ body, provider, upstreamModel }) {
    return jsonCall(provider.responsesUrl, provider, toResponsesRequest(body, upstreamModel), body.stream === true);
  },
  chatResponse: (upstream, { stream, includeUsage }) => chatAnswer(upstream, stream, (body) => responsesToChatStream(body, { includeUsage }), toChatCompletion),
};
