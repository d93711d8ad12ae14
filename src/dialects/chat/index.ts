/**
 * `POST /v1/chat/completions`: the pivot itself. OpenAI-compatible providers pass through; other kinds
 * translate with their adapter (`providers/`).
 */
import { errorResponse, sseErrorFrame } from '../../errors.js';
import type { Dialect } from '../types.js';

export const chatDialect: Dialect = {
  name: 'chat',
  plan({ body, provider, adapter, upstreamModel, headers }) {
    const call = adapter.chatRequest({ body, provider, upstreamModel, clientHeaders: headers });
    const { chatResponse } = adapter;
    if (!chatResponse) return { call };
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    return { call, translate: (upstream, { stream, maxStreamState }) => chatResponse(upstream, { stream, includeUsage, call, maxStreamState }) };
  },
  errorResponse,
  failureFrame: (message, code) => sseErrorFrame(message, 'upstream_error', code),
};
