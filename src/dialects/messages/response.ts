/**
 * OpenAI `chat.completion` → Anthropic `Message` (ENDPOINTS.md §3.2), plus the two mappings the stream shares:
 * finish reason → stop reason, and chat usage → Anthropic usage (pivot fields: `dialects/pivot.ts`).
 */
import { randomId } from '../../ids.js';
import { encodeReasoning } from '../reasoning-envelope.js';
import { hasState, stateOfMessage, type PivotState } from '../reasoning-state.js';
import { positiveNumber as n } from '../../json.js';

type Json = Record<string, any>;

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal' | 'pause_turn';

/**
 * A chat `finish_reason` → Anthropic's `stop_reason`. `toolUsed`: a tool_use block was emitted, which makes it
 * `tool_use` whatever the upstream said (several upstreams send `stop` with tool calls; Claude Code would then
 * not run them). `stopString`: the matched stop string some servers (vLLM) report as `stop_reason`.
 */
export function mapFinishReason(finish: unknown, toolUsed: boolean, stopString?: unknown): StopReason {
  if (toolUsed) return 'tool_use';
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return typeof stopString === 'string' && stopString !== '' ? 'stop_sequence' : 'end_turn';
  }
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Chat usage → Anthropic usage: `input_tokens` counts only the uncached input, cache reads and writes apart. */
export function mapChatUsage(u: unknown): AnthropicUsage {
  const usage = (u ?? {}) as Json;
  const details = (usage.prompt_tokens_details ?? {}) as Json;
  const cacheRead = n(details.cached_tokens);
  const cacheWrite = n(details.cache_write_tokens);
  return {
    input_tokens: Math.max(0, n(usage.prompt_tokens) - cacheRead - cacheWrite),
    output_tokens: n(usage.completion_tokens),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** A tool call's arguments (a JSON string) → the object `tool_use.input` must be. */
export function parseToolInput(args: unknown): Json {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const parsed = JSON.parse(args) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : {};
  } catch {
    return {};
  }
}

/** Anthropic ids start with `msg_`; a chat id becomes one. */
export const messageId = (chatId: unknown) => {
  const id = typeof chatId === 'string' && chatId !== '' ? chatId : randomId('msg_');
  return id.startsWith('msg_') ? id : `msg_${id}`;
};

/** An id for a tool_use block whose call came without one. */
export const toolUseId = () => randomId('toolu_');

/** A chat tool call's name → the client's (it may have been shortened on the way, request.ts). */
export const toolName = (name: unknown, names?: ReadonlyMap<string, string>): string => {
  const chat = String(name ?? '');
  return names?.get(chat) ?? chat;
};

/**
 * A provider's reasoning state as a `thinking` block for a Messages client (which sends it back as it got it): its
 * text, and as `signature` the gateway envelope naming `provider` (the text's origin, and whatever opaque state came
 * with it), which the request mapper opens again for that provider only. Never Anthropic's own signature: a
 * Messages request to an Anthropic provider is passed through, and its answer never comes this way.
 */
const thinkingBlock = (provider: string, text: string, state: PivotState): Json => ({
  type: 'thinking',
  thinking: text,
  signature: encodeReasoning({ provider, reasoning_details: state.reasoning_details, extra_content: state.extra_content, thinking_blocks: state.thinking_blocks }),
});

/**
 * A whole chat answer → a Message. `model`: the name the client asked for (what Anthropic echoes back);
 * `names`: the client's tool names the request shortened, by their chat name; `provider`: the id of the provider
 * that answered (its reasoning state goes out in a thinking block whose signature names it, even without text).
 */
export function chatToMessage(chat: Json, model: string, names: ReadonlyMap<string, string> | undefined, provider: string): Json {
  const choice = (Array.isArray(chat.choices) ? chat.choices[0] : undefined) ?? {};
  const message = (choice.message ?? {}) as Json;
  const content: Json[] = [];
  const state = stateOfMessage(message);
  if (hasState(state)) content.push(thinkingBlock(provider, state.reasoning_content ?? '', state));
  const text = typeof message.content === 'string' ? message.content : typeof message.refusal === 'string' ? message.refusal : '';
  if (text !== '') content.push({ type: 'text', text });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    content.push({
      type: 'tool_use',
      id: typeof call?.id === 'string' && call.id !== '' ? call.id : toolUseId(),
      name: toolName(call?.function?.name, names),
      input: parseToolInput(call?.function?.arguments),
    });
  }
  const refused = message.content == null && typeof message.refusal === 'string';
  const stopReason = refused ? 'refusal' : mapFinishReason(choice.finish_reason, calls.length > 0, choice.stop_reason);
  return {
    id: messageId(chat.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? choice.stop_reason : null,
    usage: mapChatUsage(chat.usage),
  };
}
