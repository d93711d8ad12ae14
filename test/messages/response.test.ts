/** chat.completion → Message, finish reasons and usage (src/dialects/messages/response.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { chatToMessage, mapChatUsage, mapFinishReason, parseToolInput } from '../../src/dialects/messages/response.js';
import { encodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { fixture } from '../mock-provider.js';

/** The signature a thinking block carries for provider `p`: the gateway envelope of its state. */
const env = (state: object = {}) => encodeReasoning({ provider: 'p', ...state });
const call = (id: string, extra?: object) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' }, ...(extra ? { extra_content: extra } : {}) });

const chat = (message: object, finish = 'stop', extra: object = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish, ...extra }],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

describe('chatToMessage', () => {
  it('maps the recorded OpenAI answer', () => {
    expect(chatToMessage(JSON.parse(fixture('openai-chat.json')), 'claude-opus-5-5', undefined, 'p')).toEqual({
      id: 'msg_chatcmpl-CQ7wLz3vYkT9pR2mXcN4bA1eHsGuJ',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-5-5',
      content: [{ type: 'text', text: 'The capital of France is Paris.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 24, output_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it.each([
    { name: 'text', message: { content: 'Hi' }, content: [{ type: 'text', text: 'Hi' }], stop: 'end_turn' },
    {
      name: 'reasoning_content → a thinking block first, signed with the envelope naming the provider',
      message: { content: '4', reasoning_content: '2+2' },
      content: [{ type: 'thinking', thinking: '2+2', signature: env() }, { type: 'text', text: '4' }],
      stop: 'end_turn',
    },
    { name: 'reasoning (OpenRouter/vLLM spelling)', message: { content: '4', reasoning: 'r' }, content: [{ type: 'thinking', thinking: 'r', signature: env() }, { type: 'text', text: '4' }], stop: 'end_turn' },
    {
      name: 'reasoning_details (OpenRouter) ride in the signature, unmodified',
      message: { content: '4', reasoning: 'r', reasoning_details: [{ type: 'reasoning.text', text: 'r', index: 0 }] },
      content: [{ type: 'thinking', thinking: 'r', signature: env({ reasoning_details: [{ type: 'reasoning.text', text: 'r', index: 0 }] }) }, { type: 'text', text: '4' }],
      stop: 'end_turn',
    },
    {
      name: "a tool call's extra_content (Gemini): a thinking block with no text, before the calls",
      message: { content: null, tool_calls: [call('c1', { google: { thought_signature: 's' } }), call('c2')] },
      content: [
        { type: 'thinking', thinking: '', signature: env({ extra_content: { c1: { google: { thought_signature: 's' } } } }) },
        { type: 'tool_use', id: 'c1', name: 'f', input: {} },
        { type: 'tool_use', id: 'c2', name: 'f', input: {} },
      ],
      stop: 'tool_use',
    },
    {
      name: 'thinking_blocks from an OpenAI-compatible provider: in the envelope, never as blocks of their own',
      message: { content: 'a', thinking_blocks: [{ type: 'thinking', thinking: 'x', signature: 'EqQB' }] },
      content: [{ type: 'thinking', thinking: '', signature: env({ thinking_blocks: [{ type: 'thinking', thinking: 'x', signature: 'EqQB' }] }) }, { type: 'text', text: 'a' }],
      stop: 'end_turn',
    },
    {
      name: 'tool calls (arguments parsed) → tool_use, even with finish "stop"',
      message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }, { id: 'call_2', type: 'function', function: { name: 'g', arguments: '' } }] },
      content: [{ type: 'tool_use', id: 'call_1', name: 'f', input: { a: 1 } }, { type: 'tool_use', id: 'call_2', name: 'g', input: {} }],
      stop: 'tool_use',
    },
    { name: 'empty answer', message: { content: '' }, content: [], stop: 'end_turn' },
    { name: 'a refusal', message: { content: null, refusal: 'I cannot.' }, content: [{ type: 'text', text: 'I cannot.' }], stop: 'refusal' },
    { name: 'truncated', message: { content: 'Hal' }, finish: 'length', content: [{ type: 'text', text: 'Hal' }], stop: 'max_tokens' },
  ])('$name', ({ message, finish, content, stop }) => {
    const m = chatToMessage(chat(message, finish ?? 'stop'), 'm', undefined, 'p');
    expect(m.content).toEqual(content);
    expect(m.stop_reason).toBe(stop);
  });

  it('a matched stop string (vLLM) → stop_sequence', () => {
    const m = chatToMessage(chat({ content: 'a' }, 'stop', { stop_reason: 'END' }), 'm', undefined, 'p');
    expect([m.stop_reason, m.stop_sequence]).toEqual(['stop_sequence', 'END']);
  });
});

describe('mapFinishReason', () => {
  it.each([
    ['stop', false, 'end_turn'],
    ['length', false, 'max_tokens'],
    ['tool_calls', false, 'tool_use'],
    ['function_call', false, 'tool_use'],
    ['content_filter', false, 'refusal'],
    [null, false, 'end_turn'],
    ['stop', true, 'tool_use'],
    ['length', true, 'tool_use'],
  ])('%s (tool used: %s) → %s', (finish, tool, stop) => expect(mapFinishReason(finish, tool)).toBe(stop));
});

describe('mapChatUsage', () => {
  it.each([
    [{ prompt_tokens: 100, completion_tokens: 7 }, { input_tokens: 100, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }],
    [{ prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 80 } }, { input_tokens: 20, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 80 }],
    [{ prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 50, cache_write_tokens: 30 } }, { input_tokens: 20, output_tokens: 7, cache_creation_input_tokens: 30, cache_read_input_tokens: 50 }],
    [null, { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }],
  ])('%j', (usage, out) => expect(mapChatUsage(usage)).toEqual(out));
});

describe('parseToolInput', () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ['', {}],
    ['[1]', {}],
    ['{broken', {}],
    [undefined, {}],
  ])('%j', (args, out) => expect(parseToolInput(args)).toEqual(out));
});
