/**
 * Anthropic Messages response → OpenAI `chat.completion` (non-stream, PROVIDERS.md §3d; the pivot's fields in
 * dialects/pivot.ts). Text blocks are concatenated; `tool_use` blocks become `tool_calls`, except the JSON tool of
 * the structured-output fallback, whose input is the answer (`content`, `finish_reason: "stop"`); thinking comes
 * back as `reasoning_content` (text) and `thinking_blocks` (signed, to send back); a refusal sets `refusal` and
 * `finish_reason: "content_filter"`; `stop_details` is kept on the choice. Server-tool blocks are dropped.
 */
import { mapStopReason } from './stop-reason.js';
import { JSON_TOOL_NAME } from './structured-output.js';
import { anthropicThinkingBlock } from './thinking-blocks.js';
import { mapUsage, type AnthropicUsage } from './usage.js';

export interface AnthropicContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  thinking?: string;
  signature?: string;
  data?: string;
}

export interface AnthropicMessage {
  id: string;
  model: string;
  content?: AnthropicContentBlock[] | null;
  stop_reason?: string | null;
  stop_details?: Record<string, unknown> | null;
  usage?: AnthropicUsage | null;
}

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export const REFUSAL_FALLBACK = 'The model declined to answer.';

/** A refusal's text for OpenAI's `refusal`: Anthropic's explanation, else what the model said, else a fixed sentence. */
export function refusalText(stopDetails: unknown, text: string): string {
  const explanation = (stopDetails as { explanation?: unknown } | null | undefined)?.explanation;
  if (typeof explanation === 'string' && explanation !== '') return explanation;
  return text !== '' ? text : REFUSAL_FALLBACK;
}

/** The signed blocks of a turn and the ids of its (client) tool calls: what the thinking cache keeps. */
export function thinkingTurn(blocks: readonly AnthropicContentBlock[]): { blocks: Record<string, unknown>[]; toolCallIds: string[] } {
  const signed = blocks.map(anthropicThinkingBlock).filter((b): b is Record<string, unknown> => b !== undefined);
  const toolCallIds = blocks.filter((b) => b.type === 'tool_use' && b.name !== JSON_TOOL_NAME).map((b) => String(b.id ?? ''));
  return { blocks: signed, toolCallIds };
}

export function toOpenAIResponse(msg: AnthropicMessage, created: number = Math.floor(Date.now() / 1000)) {
  const blocks = Array.isArray(msg.content) ? msg.content : [];
  const texts: string[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: Record<string, unknown>[] = [];
  const toolCalls: OpenAIToolCall[] = [];
  let json: string | undefined;
  for (const block of blocks) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use' && block.name === JSON_TOOL_NAME) json = JSON.stringify(block.input ?? {});
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: String(block.id ?? ''),
        type: 'function',
        function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking !== '') reasoning.push(block.thinking);
      const signed = anthropicThinkingBlock(block);
      if (signed) thinkingBlocks.push(signed);
    }
  }
  const text = texts.join('');
  let finish = mapStopReason(msg.stop_reason);
  // The JSON tool's input is the answer: never the tool envelope, never free text around it.
  const content = json !== undefined ? json : texts.length > 0 ? text : null;
  if (json !== undefined && finish === 'tool_calls' && toolCalls.length === 0) finish = 'stop';
  const message: {
    role: 'assistant';
    content: string | null;
    refusal: string | null;
    tool_calls?: OpenAIToolCall[];
    reasoning_content?: string;
    thinking_blocks?: Record<string, unknown>[];
  } = { role: 'assistant', content, refusal: msg.stop_reason === 'refusal' ? refusalText(msg.stop_details, text) : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('\n\n');
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;
  const choice: { index: 0; message: typeof message; logprobs: null; finish_reason: typeof finish; stop_details?: Record<string, unknown> } = {
    index: 0,
    message,
    logprobs: null,
    finish_reason: finish,
  };
  if (msg.stop_details) choice.stop_details = msg.stop_details;
  return {
    id: msg.id,
    object: 'chat.completion' as const,
    created,
    model: msg.model,
    choices: [choice],
    usage: mapUsage(msg.usage),
  };
}
