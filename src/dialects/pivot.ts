/**
 * Translation through the chat pivot (DIALECTS.md): a dialect that is not the provider's own API maps its
 * request onto a chat request, and the chat answer back. The provider's adapter does the rest, so a Responses
 * request for a Claude model goes responses → chat → Anthropic, and its answer Anthropic → chat → responses.
 *
 * What the pivot carries (defined once, here; the Anthropic adapter produces and consumes the same fields):
 * - reasoning text: `message.reasoning_content` / `delta.reasoning_content` (`reasoning` accepted on input);
 * - signed thinking blocks: `message.thinking_blocks` / `delta.thinking_blocks`, Anthropic's own blocks
 *   (`{type:"thinking", thinking, signature}`, `{type:"redacted_thinking", data}`), sent back unmodified; in
 *   streams each finished block arrives whole, once, as `delta.thinking_blocks: [block]` at the end of that block,
 *   while its text arrives incrementally as `delta.reasoning_content`;
 * - prompt caching: `cache_control` on content parts, messages and tools, as Anthropic spells it;
 * - usage: `prompt_tokens` counts all input (uncached + cache reads + cache writes),
 *   `prompt_tokens_details.cached_tokens` = cache reads, `prompt_tokens_details.cache_write_tokens` = cache
 *   writes, `completion_tokens_details.reasoning_tokens` when known.
 * The chat request a dialect builds asks for `stream_options.include_usage` when it streams, so that usage
 * reaches the dialect whatever the provider.
 */
import type { Provider } from '../config.js';
import { errorInAnswer } from '../errors.js';
import type { ChatBody, ChatResponseContext, ProviderAdapter, TranslatedBody, UpstreamCall } from '../providers/types.js';
import { sha256Hex } from '../providers/anthropic/thinking-cache.js';
import { assembleChatStream } from './chat/assemble.js';
import { openAIResponses } from '../providers/openai-responses/index.js';
import type { Plan, PlanInput } from './types.js';

/** How a dialect turns chat answers into its own. */
export interface FromChat {
  /** A chat SSE stream → the dialect's SSE stream (incremental; use `sseTransform`). */
  stream(chat: ReadableStream<Uint8Array>): ReadableStream<Uint8Array>;
  /** A whole `chat.completion` object → the dialect's answer object. */
  whole(chat: Record<string, unknown>): unknown;
  /** The content type of what `stream` produces; default SSE (Gemini's streamed JSON array is `application/json`). */
  streamType?: string;
}

const SSE_TYPE = 'text/event-stream; charset=utf-8';

const encoder = new TextEncoder();
const empty = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });

type Json = Record<string, any>;

/** The longest function name OpenAI's chat API takes (Anthropic and Responses clients send up to 128: MCP tools). */
export const MAX_CHAT_TOOL_NAME = 64;

/**
 * A client's tool name as the chat side carries it: unchanged up to 64 characters, else its first 55 and 8 hex
 * digits of its hash, the same on every request (so the history's calls match the tools). Dialects map it back.
 */
export const chatToolName = (name: string): string =>
  name.length <= MAX_CHAT_TOOL_NAME ? name : `${name.slice(0, MAX_CHAT_TOOL_NAME - 9)}_${sha256Hex(name).slice(0, 8)}`;

/**
 * A 200 whose body is an error (some OpenAI-compatible servers answer so): the error, never an empty answer.
 * Its text is redacted where every error is, when the app renders it.
 */
export function failedIfError(chat: Json, provider: Provider): Json {
  if (chat.error === undefined || chat.error === null || Array.isArray(chat.choices)) return chat;
  throw errorInAnswer(chat.error, provider.id);
}

/**
 * The whole `chat.completion` of an upstream that streamed although the client asked for one JSON document: the
 * adapter's chat stream (Anthropic's events translated; an OpenAI-compatible provider's as they came), assembled.
 */
export async function assembledChat(upstream: Response, adapter: ProviderAdapter, provider: Provider, call: UpstreamCall): Promise<Json> {
  const ctx: ChatResponseContext = { stream: true, includeUsage: true, call, providerId: provider.id };
  const chat = adapter.chatResponse ? (await adapter.chatResponse(upstream, ctx)).body : upstream.body;
  const source = chat instanceof Uint8Array ? new Response(chat).body : chat;
  return failedIfError(await assembleChatStream(source ?? empty()), provider);
}

/**
 * A whole `chat.completion` as the chat stream it stands for: for a provider that answered a `stream: true`
 * request with one JSON document, so that the client still gets the stream it asked for.
 */
export function completionAsChunks(chat: Json): string {
  const choice: Json = (Array.isArray(chat.choices) ? chat.choices[0] : undefined) ?? {};
  const message: Json = choice.message ?? {};
  const base = { id: chat.id, object: 'chat.completion.chunk', created: chat.created, model: chat.model };
  const delta: Json = { role: 'assistant' };
  for (const k of ['reasoning_content', 'reasoning', 'thinking_blocks', 'content', 'refusal'] as const) if (message[k] != null) delta[k] = message[k];
  if (Array.isArray(message.tool_calls)) delta.tool_calls = message.tool_calls.map((tc: unknown, index: number) => ({ ...(tc as Json), index }));
  const finish = { index: 0, delta: {}, finish_reason: choice.finish_reason ?? 'stop', ...(choice.stop_reason != null ? { stop_reason: choice.stop_reason } : {}) };
  const chunks: Json[] = [{ ...base, choices: [{ index: 0, delta, finish_reason: null }] }, { ...base, choices: [finish] }];
  if (chat.usage != null) chunks.push({ ...base, choices: [], usage: chat.usage });
  return `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
}

/** The plan for a request translated through chat: the adapter builds the upstream call, `back` maps the answer. */
export function viaChat(input: PlanInput, chatBody: ChatBody, back: FromChat): Plan {
  const { provider, upstreamModel, headers } = input;
  // A provider that speaks Responses gets translated traffic as Responses requests (reasoning survives tool loops).
  const adapter = provider.responses ? openAIResponses : input.adapter;
  const call = adapter.chatRequest({ body: chatBody, provider, upstreamModel, clientHeaders: headers });
  const { chatResponse } = adapter;
  return {
    call,
    async translate(upstream, { stream }): Promise<TranslatedBody> {
      let chat: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer>;
      if (chatResponse) chat = (await chatResponse(upstream, { stream, includeUsage: true, call, providerId: provider.id })).body;
      else chat = stream ? (upstream.body ?? empty()) : new Uint8Array(await upstream.arrayBuffer());
      if (stream) {
        const source = chat instanceof Uint8Array ? new Response(chat).body! : chat;
        return { body: back.stream(source), contentType: back.streamType ?? SSE_TYPE };
      }
      const bytes = chat instanceof Uint8Array ? chat : new Uint8Array(await new Response(chat).arrayBuffer());
      const json = failedIfError(JSON.parse(new TextDecoder().decode(bytes)) as Json, provider);
      // Asked for a stream, answered whole: the client still gets the stream it asked for.
      if (chatBody.stream === true) return { body: back.stream(new Response(completionAsChunks(json)).body!), contentType: back.streamType ?? SSE_TYPE };
      return { body: encoder.encode(JSON.stringify(back.whole(json))), contentType: 'application/json' };
    },
    // Asked for one JSON document, answered with a stream: the client still gets the whole answer it asked for.
    async assemble(upstream) {
      const json = await assembledChat(upstream, adapter, provider, call);
      return { body: encoder.encode(JSON.stringify(back.whole(json))), contentType: 'application/json' };
    },
  };
}
