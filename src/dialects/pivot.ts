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
 * - opaque reasoning state: `message.reasoning_details` / `delta.reasoning_details`, entries in OpenRouter's shape
 *   (`{type: "reasoning.text" | "reasoning.summary" | "reasoning.encrypted", text | summary | data, id?, format?,
 *   index?}`) sent back unmodified; in streams consecutive fragments of one `index` and type are one entry;
 * - per tool call: `tool_calls[i].extra_content` (Gemini's `{google: {thought_signature}}`), unmodified, with its call.
 * A dialect whose clients have no field for this state carries it in the gateway envelope, which names the
 * provider (reasoning-envelope.ts), and gives it back to that provider only; reasoning-state.ts reads and collects
 * it. The reasoning cache (providers/anthropic/thinking-cache.ts) keeps it by tool call id for clients that drop it.
 * - prompt caching: `cache_control` on content parts, messages and tools, as Anthropic spells it;
 * - usage: `prompt_tokens` counts all input (uncached + cache reads + cache writes),
 *   `prompt_tokens_details.cached_tokens` = cache reads, `prompt_tokens_details.cache_write_tokens` = cache
 *   writes, `completion_tokens_details.reasoning_tokens` when known.
 * The chat request a dialect builds asks for `stream_options.include_usage` when it streams, so that usage
 * reaches the dialect whatever the provider.
 */
import type { Provider } from '../config.js';
import { errorInAnswer } from '../errors.js';
import { emptyStream, SSE_TYPE } from '../providers/exchange.js';
import type { ChatBody, ChatResponseContext, ProviderAdapter, TranslatedBody, UpstreamCall } from '../providers/types.js';
import { lazyThinkingScope, sha256Hex, thinkingCache } from '../providers/anthropic/thinking-cache.js';
import { assembleChatStream } from './chat/assemble.js';
import { openAIResponses } from '../providers/openai-responses/index.js';
import { hasState, restoreState, stateOfMessage, toolCallIds, type PivotState } from './reasoning-state.js';
import type { Plan, PlanInput } from './types.js';

/** Keeps a streamed answer's reasoning state (the reasoning cache), under each of its tool call ids. */
export type Remember = (toolCallIds: string[], state: PivotState) => void;

/** How a dialect turns chat answers into its own. */
export interface FromChat {
  /**
   * A chat SSE stream → the dialect's SSE stream (incremental; use `sseTransform`); it holds at most `maxState`.
   * `remember`, when given, is called once at the end of an answer with tool calls, with its whole reasoning state.
   */
  stream(chat: ReadableStream<Uint8Array>, maxState: number, remember?: Remember): ReadableStream<Uint8Array>;
  /** A whole `chat.completion` object → the dialect's answer object. */
  whole(chat: Record<string, unknown>): unknown;
  /** The content type of what `stream` produces; default SSE (Gemini's streamed JSON array is `application/json`). */
  streamType?: string;
}

const encoder = new TextEncoder();

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
  // The stream was read whole first, within MINI_LLM_MAX_ANSWER_BYTES: that bounds what the adapter holds here.
  const ctx: ChatResponseContext = { stream: true, includeUsage: true, call, providerId: provider.id, maxStreamState: Number.MAX_SAFE_INTEGER };
  const chat = adapter.chatResponse ? (await adapter.chatResponse(upstream, ctx)).body : upstream.body;
  const source = chat instanceof Uint8Array ? new Response(chat).body : chat;
  return failedIfError(await assembleChatStream(source ?? emptyStream()), provider);
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
  for (const k of ['reasoning_content', 'reasoning', 'reasoning_details', 'thinking_blocks', 'content', 'refusal'] as const) if (message[k] != null) delta[k] = message[k];
  if (Array.isArray(message.tool_calls)) delta.tool_calls = message.tool_calls.map((tc: unknown, index: number) => ({ ...(tc as Json), index }));
  const finish = { index: 0, delta: {}, finish_reason: choice.finish_reason ?? 'stop', ...(choice.stop_reason != null ? { stop_reason: choice.stop_reason } : {}) };
  const chunks: Json[] = [{ ...base, choices: [{ index: 0, delta, finish_reason: null }] }, { ...base, choices: [finish] }];
  if (chat.usage != null) chunks.push({ ...base, choices: [], usage: chat.usage });
  return `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
}

/**
 * The reasoning cache on a translated route: before the request, the state of each assistant tool-call message
 * that came without any (a client that drops it) is put back from the cache; each answer with tool calls leaves
 * its state there. Scoped by provider and gateway key. Not for an Anthropic provider: its adapter keeps its own
 * signed blocks, for the chat route too.
 */
function reasoningCache(input: PlanInput, body: ChatBody): { body: ChatBody; remember?: Remember } {
  if (input.provider.kind === 'anthropic') return { body };
  const scope = lazyThinkingScope(input.provider.id, input.headers);
  const recall = (ids: string[]) => {
    for (const id of ids) {
      const state = thinkingCache.get(scope(), id);
      if (state) return state;
    }
    return undefined;
  };
  const remember: Remember = (ids, state) => {
    if (ids.length > 0 && hasState(state)) thinkingCache.put(scope(), ids, state);
  };
  return { body: restoreState(body, recall), remember };
}

/** A whole answer's reasoning state, kept when it made tool calls. */
function rememberWhole(chat: Json, remember: Remember | undefined): void {
  const message = Array.isArray(chat.choices) ? chat.choices[0]?.message : undefined;
  if (remember && message && typeof message === 'object') remember(toolCallIds(message), stateOfMessage(message));
}

/** The plan for a request translated through chat: the adapter builds the upstream call, `back` maps the answer. */
export function viaChat(input: PlanInput, chatBody: ChatBody, back: FromChat): Plan {
  const { provider, upstreamModel, headers } = input;
  // A provider that speaks Responses gets translated traffic as Responses requests (reasoning survives tool loops).
  const adapter = provider.responses ? openAIResponses : input.adapter;
  const { body, remember } = reasoningCache(input, chatBody);
  const call = adapter.chatRequest({ body, provider, upstreamModel, clientHeaders: headers });
  const { chatResponse } = adapter;
  return {
    call,
    async translate(upstream, { stream, maxStreamState }): Promise<TranslatedBody> {
      let chat: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer>;
      if (chatResponse) chat = (await chatResponse(upstream, { stream, includeUsage: true, call, providerId: provider.id, maxStreamState })).body;
      else chat = stream ? (upstream.body ?? emptyStream()) : new Uint8Array(await upstream.arrayBuffer());
      if (stream) {
        const source = chat instanceof Uint8Array ? new Response(chat).body! : chat;
        return { body: back.stream(source, maxStreamState, remember), contentType: back.streamType ?? SSE_TYPE };
      }
      const bytes = chat instanceof Uint8Array ? chat : new Uint8Array(await new Response(chat).arrayBuffer());
      const json = failedIfError(JSON.parse(new TextDecoder().decode(bytes)) as Json, provider);
      // Asked for a stream, answered whole: the client still gets the stream it asked for.
      if (chatBody.stream === true) return { body: back.stream(new Response(completionAsChunks(json)).body!, maxStreamState, remember), contentType: back.streamType ?? SSE_TYPE };
      rememberWhole(json, remember);
      return { body: encoder.encode(JSON.stringify(back.whole(json))), contentType: 'application/json' };
    },
    // Asked for one JSON document, answered with a stream: the client still gets the whole answer it asked for.
    async assemble(upstream) {
      const json = await assembledChat(upstream, adapter, provider, call);
      rememberWhole(json, remember);
      return { body: encoder.encode(JSON.stringify(back.whole(json))), contentType: 'application/json' };
    },
  };
}
