/**
 * `POST /v1/chat/completions`: the pivot itself. OpenAI-compatible providers pass through (or, with
 * `chatViaResponses`, go through the Responses API); other kinds translate with their adapter (`providers/`). A
 * provider that streams although the client asked for one JSON document (`stream` not true) has its stream
 * assembled into that document, on both paths: a chat client's `create()` cannot read an event stream.
 */
import { errorResponse, sseErrorFrame } from '../../errors.js';
import { SSE_TYPE } from '../../providers/exchange.js';
import { openAIResponses } from '../../providers/openai-responses/index.js';
import { assembledChat, completionAsChunks } from '../pivot.js';
import type { Dialect } from '../types.js';

const encoder = new TextEncoder();

export const chatDialect: Dialect = {
  name: 'chat',
  plan({ body, provider, adapter: own, upstreamModel, headers }) {
    // A provider that opts in (`chatViaResponses`) gets chat requests as Responses requests, answers translated back.
    const adapter = provider.chatViaResponses ? openAIResponses : own;
    const call = adapter.chatRequest({ body, provider, upstreamModel, clientHeaders: headers });
    const assemble = async (upstream: Response) => ({
      body: encoder.encode(JSON.stringify(await assembledChat(upstream, adapter, provider, call))),
      contentType: 'application/json',
    });
    const { chatResponse } = adapter;
    if (!chatResponse) return { call, assemble };
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    return {
      call,
      assemble,
      async translate(upstream, { stream, maxStreamState }) {
        const translated = await chatResponse(upstream, { stream, includeUsage, call, providerId: provider.id, maxStreamState });
        // Asked for a stream, answered whole: the client still gets the stream it asked for.
        if (stream || body.stream !== true || !(translated.body instanceof Uint8Array)) return translated;
        const chat = JSON.parse(new TextDecoder().decode(translated.body));
        const chunks = completionAsChunks(includeUsage ? chat : { ...chat, usage: undefined });
        return { body: new Response(chunks).body!, contentType: SSE_TYPE };
      },
    };
  },
  errorResponse,
  failureFrame: (message, code) => sseErrorFrame(message, 'upstream_error', code),
};
