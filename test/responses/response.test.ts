/** A whole chat.completion → a Response (src/dialects/responses/response.ts) and its envelope, table-driven. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { echoOf, statusOf, usageFromChat } from '../../src/dialects/responses/envelope.js';
import { toChatRequest } from '../../src/dialects/responses/request.js';
import { toResponse } from '../../src/dialects/responses/response.js';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { assertValid } from '../schemas/openapi.js';

type Json = Record<string, any>;

const completion = (message: Json, finish = 'stop', extra: Json = {}) => ({ id: 'chatcmpl-1', object: 'chat.completion', created: 1760000000, model: 'up-model', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }], ...extra });

const tools = [
  { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } },
  { type: 'custom', name: 'apply_patch' },
  { type: 'namespace', name: 'ns', description: 'NS', tools: [{ type: 'function', name: 'now' }] },
];
const call = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } });

const CASES: Array<[name: string, chat: Json, expected: Json]> = [
  ['text', completion({ content: 'Hi.' }), { status: 'completed', output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi.', annotations: [], logprobs: [] }] }] }],
  ['a tool-only turn: function calls only, no message item', completion({ content: null, tool_calls: [call('c1', 'get_weather', '{"a":1}'), call('c2', 'get_weather', '{}')] }, 'tool_calls'), { status: 'completed', output: [{ type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"a":1}', status: 'completed' }, { type: 'function_call', call_id: 'c2' }] }],
  ['text, then a call', completion({ content: 'Checking.', tool_calls: [call('c1', 'get_weather', '{}')] }, 'tool_calls'), { output: [{ type: 'message' }, { type: 'function_call', call_id: 'c1' }] }],
  ['a custom tool call → custom_tool_call with its raw input', completion({ content: null, tool_calls: [call('c1', 'apply_patch', '{"input":"*** Begin Patch"}')] }, 'tool_calls'), { output: [{ type: 'custom_tool_call', call_id: 'c1', name: 'apply_patch', input: '*** Begin Patch' }] }],
  ['a custom tool call whose arguments are not {input}: the raw text', completion({ content: null, tool_calls: [call('c1', 'apply_patch', 'raw text')] }, 'tool_calls'), { output: [{ type: 'custom_tool_call', input: 'raw text' }] }],
  ['a namespaced call → its name and namespace', completion({ content: null, tool_calls: [call('c1', 'ns__now', '{}')] }, 'tool_calls'), { output: [{ type: 'function_call', namespace: 'ns', name: 'now' }] }],
  ['reasoning_content → a reasoning item with its summary, first', completion({ content: 'Paris.', reasoning_content: 'The capital.' }), { output: [{ type: 'reasoning', summary: [{ type: 'summary_text', text: 'The capital.' }] }, { type: 'message' }] }],
  ['reasoning (another spelling of the pivot field)', completion({ content: 'Paris.', reasoning: 'R.' }), { output: [{ type: 'reasoning', summary: [{ text: 'R.' }] }, { type: 'message' }] }],
  ['a refusal → a refusal part', completion({ content: null, refusal: 'I cannot.' }), { output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'I cannot.' }] }] }],
  ['length → incomplete (max_output_tokens), the message incomplete', completion({ content: 'Hal' }, 'length'), { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', status: 'incomplete' }] }],
  ['content_filter → incomplete (content_filter)', completion({ content: '' }, 'content_filter'), { status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [] }],
  ['usage with cached and reasoning tokens', completion({ content: 'x' }, 'stop', { usage: { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40, prompt_tokens_details: { cached_tokens: 20, cache_write_tokens: 5 }, completion_tokens_details: { reasoning_tokens: 4 } } }), { usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 20, cache_write_tokens: 5 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 40 } }],
];

describe('toResponse', () => {
  const body = { model: 'alias', input: 'x', tools };
  const { origins } = toChatRequest(body);
  it.each(CASES)('%s', (_, chat, expected) => {
    const r = toResponse(chat, { echo: echoOf(body), origins, id: 'resp_1', provider: 'p' });
    assertValid('Response', r);
    expect(r).toMatchObject({ id: 'resp_1', object: 'response', created_at: 1760000000, model: 'up-model', ...expected });
    if (expected.output) expect(r.output).toHaveLength(expected.output.length);
  });

  it('puts thinking blocks in a reasoning item as encrypted_content only when asked for', () => {
    const blocks = [{ type: 'thinking', thinking: 'T', signature: 's' }];
    const chat = completion({ content: null, thinking_blocks: blocks, tool_calls: [call('c1', 'get_weather', '{}')] }, 'tool_calls');
    const asked = toResponse(chat, { echo: echoOf(body), origins, encrypted: true, provider: 'anthropic' });
    assertValid('Response', asked);
    expect(asked.output[0]).toMatchObject({ type: 'reasoning', summary: [] });
    expect(decodeReasoning(asked.output[0].encrypted_content, 'anthropic')).toEqual({ provider: 'anthropic', thinking_blocks: blocks });
    expect(decodeReasoning(asked.output[0].encrypted_content, 'deepseek')).toBeUndefined();
    expect(toResponse(chat, { echo: echoOf(body), origins, provider: 'anthropic' }).output.map((i: Json) => i.type)).toEqual(['function_call']);
  });

  it.each<[string, Json, Json]>([
    ['reasoning text alone (DeepSeek): the envelope names the provider, so the text goes back to it', { reasoning_content: 'R.' }, { provider: 'p' }],
    ['reasoning_details (OpenRouter), unmodified', { reasoning: 'R.', reasoning_details: [{ type: 'reasoning.text', text: 'R.', index: 0 }] }, { provider: 'p', reasoning_details: [{ type: 'reasoning.text', text: 'R.', index: 0 }] }],
    [
      "a call's extra_content (Gemini), even without reasoning text",
      { tool_calls: [{ ...call('c1', 'get_weather', '{}'), extra_content: { google: { thought_signature: 'sig' } } }] },
      { provider: 'p', extra_content: { c1: { google: { thought_signature: 'sig' } } } },
    ],
  ])('the provider state as encrypted_content when asked for: %s', (_, message, state) => {
    const chat = completion({ content: null, ...message }, 'tool_calls');
    const r = toResponse(chat, { echo: echoOf(body), origins, encrypted: true, provider: 'p' });
    assertValid('Response', r);
    expect(r.output[0].type).toBe('reasoning');
    expect(decodeReasoning(r.output[0].encrypted_content, 'p')).toEqual(state);
  });

  it('translates the recorded OpenAI and DeepInfra chat answers into valid Responses', () => {
    for (const f of ['openai-chat.json', 'deepinfra-chat.json', 'nebius-chat.json', 'openai-compatible-extras.json']) {
      const chat = JSON.parse(readFileSync(new URL(`../fixtures/${f}`, import.meta.url), 'utf8'));
      const r = toResponse(chat, { echo: echoOf({ model: 'a' }), origins: new Map(), provider: 'p' });
      assertValid('Response', r);
      expect(r.id).toMatch(/^resp_[0-9a-f]{32}$/);
    }
  });
});

describe('envelope', () => {
  it.each([
    ['stop', { status: 'completed', incomplete_details: null }],
    ['tool_calls', { status: 'completed', incomplete_details: null }],
    [null, { status: 'completed', incomplete_details: null }],
    ['length', { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }],
    ['content_filter', { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }],
  ])('finish_reason %s → %j', (finish, expected) => expect(statusOf(finish)).toEqual(expected));

  it('usage: absent stays absent; missing details count 0; total computed when missing', () => {
    expect(usageFromChat(undefined)).toBeUndefined();
    expect(usageFromChat({ prompt_tokens: 3, completion_tokens: 2 })).toEqual({ input_tokens: 3, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 5 });
  });

  it('echoes the request: tools normalised as the spec requires, defaults where absent', () => {
    expect(echoOf({ model: 'm' })).toEqual({ model: 'm', instructions: null, tools: [], tool_choice: 'auto', parallel_tool_calls: true, temperature: null, top_p: null, max_output_tokens: null, reasoning: null, text: { format: { type: 'text' } }, metadata: {} });
    expect(echoOf({ model: 'm', tools: [{ type: 'function', name: 'f' }], parallel_tool_calls: false, reasoning: { effort: 'low' } })).toMatchObject({ tools: [{ type: 'function', name: 'f', parameters: null, strict: null }], parallel_tool_calls: false, reasoning: { effort: 'low', summary: null } });
  });
});
