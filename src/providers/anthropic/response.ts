/**
 * Anthropic Messages response → OpenAI `chat.completion` (non-stream, PROVIDERS.md §3d).
 * Text blocks are concatenated, `tool_use` blocks become `tool_calls`, thinking and server-tool blocks are dropped.
 */
import { mapStopReason } from './stop-reason.js';
import { mapUsage, type AnthropicUsage } from './usage.js';

export interface AnthropicContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface AnthropicMessage {
  id: string;
  model: string;
  content?: AnthropicContentBlock[] | null;
  stop_reason?: string | null;
  usage?: AnthropicUsage | null;
}

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export function toOpenAIResponse(msg: AnthropicMessage, created: number = Math.floor(Date.now() / 1000)) {
  const blocks = Array.isArray(msg.content) ? msg.content : [];
  const texts: string[] = [];
  const toolCalls: OpenAIToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: String(block.id ?? ''),
        type: 'function',
        function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const message: {
    role: 'assistant';
    content: string | null;
    refusal: null;
    tool_calls?: OpenAIToolCall[];
  } = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: msg.id,
    object: 'chat.completion' as const,
    created,
    model: msg.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: mapStopReason(msg.stop_reason) }],
    usage: mapUsage(msg.usage),
  };
}
