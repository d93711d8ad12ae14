/**
 * `POST /v1/chat/completions`: the pivot itself. OpenAI-compatible providers pass through (or, with
 * `chatViaResponses`, go through the Responses API); other kinds translate with their adapter (`providers/`).
 */
import { errorResponse, sseErrorFrame } from '../../errors.js';
import { openAIResponses } from '../../providers/openai-responses/index.js';
import type { Dialect } from '../types.js';

export const chatDialect: Dialect = {
  name: 'chat',
  plan({ body, provider, adapter: own, upstreamModel, headers }) {
    // A provider that opts in (`chatViaResponses`) gets chat requests as Responses requests, answers translated back.
    const adapter = provider.chatViaResponses ? openAIResponses : own;
    const call = adapter.chatRequest({ body, provider, upstreamModel, clientHeaders: headers });
    const { chatResponse } = adapter;
    if (!chatResponse) return { call };
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    return { call, translate: (upstream, { stream }) => chatResponse(upstream, { stream, includeUsage, call }) };
  },
  errorResponse,
  failureFrame: (message, code) => sseErrorFrame(message, 'upstream_error', code),
};
