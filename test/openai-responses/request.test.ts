/** Chat pivot request → OpenAI Responses request (src/providers/openai-responses/request.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { toResponsesRequest } from '../../src/providers/openai-responses/request.js';
import { thrown } from '../helpers.js';
import { schemaErrors } from '../schemas/openapi.js';

type Json = Record<string, any>;
type Case = [name: string, body: Json, expected: Json];

const STATELESS = { store: false, include: ['reasoning.encrypted_content'] };
const fn = { type: 'function', function: { name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const call = (id: string, args = '{"city":"Paris"}') => ({ id, type: 'function', function: { name: 'get_weather', arguments: args } });
const enc = (id: string, data: string) => ({ type: 'reasoning.encrypted', id, data, format: 'openai-responses-v1', index: 0 });

const CASES: Case[] = [
  ['a user string → one input message; stateless always', { model: 'x', messages: [{ role: 'user', content: 'hi' }] }, { model: 'gpt-5.4', input: [{ type: 'message', role: 'user', content: 'hi' }], ...STATELESS }],
  [
    'leading system and developer → instructions; a later one → a developer message',
    { model: 'x', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'developer', content: [{ type: 'text', text: 'Use SI.' }] }, { role: 'user', content: 'hi' }, { role: 'system', content: 'Now French.' }] },
    { instructions: 'Be brief.\n\nUse SI.', input: [{ type: 'message', role: 'user', content: 'hi' }, { type: 'message', role: 'developer', content: 'Now French.' }] },
  ],
  [
    'user parts: text, image (detail defaults to auto), file',
    { model: 'x', messages: [{ role: 'user', content: [{ type: 'text', text: 't' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }, { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }, { type: 'file', file: { file_data: 'data:application/pdf;base64,AA', filename: 'a.pdf' } }] }] },
    { input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 't' }, { type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'auto' }, { type: 'input_image', image_url: 'https://x/y.png', detail: 'low' }, { type: 'input_file', file_data: 'data:application/pdf;base64,AA', filename: 'a.pdf' }] }] },
  ],
  [
    'a tool loop: assistant text then function_call items, tool messages → function_call_output',
    { model: 'x', tools: [fn], messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'Checking.', tool_calls: [call('c1'), call('c2', '{"city":"Rome"}')] }, { role: 'tool', tool_call_id: 'c1', content: 'sunny' }, { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'rain' }] }] },
    {
      input: [
        { type: 'message', role: 'user', content: 'q' },
        { type: 'message', role: 'assistant', content: 'Checking.' },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'c2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        { type: 'function_call_output', call_id: 'c2', output: 'rain' },
      ],
    },
  ],
  [
    'reasoning_details of this format → reasoning items, unmodified, before the text and calls of their message; others dropped',
    {
      model: 'x',
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'plain text is not replayed',
          thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 'anthropic-sig' }],
          reasoning_details: [enc('rs_1', 'gAAAAB-one'), { type: 'reasoning.text', text: 'from OpenRouter', format: 'anthropic-claude-v1' }, { type: 'reasoning.encrypted', data: 'foreign', format: 'google-gemini-v1' }, enc('rs_2', 'gAAAAB-two')],
          tool_calls: [call('c1')],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    },
    {
      input: [
        { type: 'message', role: 'user', content: 'q' },
        { type: 'reasoning', id: 'rs_1', encrypted_content: 'gAAAAB-one', summary: [] },
        { type: 'reasoning', id: 'rs_2', encrypted_content: 'gAAAAB-two', summary: [] },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
      ],
    },
  ],
  [
    'reasoning of a turn with neither text nor calls (cut short) is not sent: nothing follows it',
    { model: 'x', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '', reasoning_details: [enc('rs_1', 'gAAAAB-one')] }, { role: 'user', content: 'go on' }] },
    { input: [{ type: 'message', role: 'user', content: 'q' }, { type: 'message', role: 'user', content: 'go on' }] },
  ],
  ['assistant text parts and a refusal → the assistant text', { model: 'x', messages: [{ role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'refusal', refusal: 'b' }] }, { role: 'assistant', content: null, refusal: 'No.' }] }, { input: [{ type: 'message', role: 'assistant', content: 'ab' }, { type: 'message', role: 'assistant', content: 'No.' }] }],
  [
    'function tools → flat, strict false unless asked (Responses defaults to true), no parameters → an empty object schema',
    { model: 'x', messages: [{ role: 'user', content: 'q' }], tools: [fn, { type: 'function', function: { name: 'now', strict: true } }] },
    { tools: [{ type: 'function', name: 'get_weather', description: 'Weather.', parameters: fn.function.parameters, strict: false }, { type: 'function', name: 'now', parameters: { type: 'object', properties: {} }, strict: true }] },
  ],
  ['tool_choice strings unchanged, parallel_tool_calls kept', { model: 'x', messages: [{ role: 'user', content: 'q' }], tools: [fn], tool_choice: 'required', parallel_tool_calls: false }, { tool_choice: 'required', parallel_tool_calls: false }],
  ['a named function → flat', { model: 'x', messages: [{ role: 'user', content: 'q' }], tools: [fn], tool_choice: { type: 'function', function: { name: 'get_weather' } } }, { tool_choice: { type: 'function', name: 'get_weather' } }],
  ['allowed_tools → flat', { model: 'x', messages: [{ role: 'user', content: 'q' }], tools: [fn], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_weather' } }] } } }, { tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'get_weather' }] } }],
  ['max_completion_tokens → max_output_tokens (before max_tokens)', { model: 'x', messages: [{ role: 'user', content: 'q' }], max_completion_tokens: 300, max_tokens: 20 }, { max_output_tokens: 300 }],
  ['max_tokens → max_output_tokens; below 16 → 16 (the minimum)', { model: 'x', messages: [{ role: 'user', content: 'q' }], max_tokens: 1 }, { max_output_tokens: 16 }],
  ['reasoning_effort → reasoning.effort, with summaries', { model: 'x', messages: [{ role: 'user', content: 'q' }], reasoning_effort: 'high' }, { reasoning: { effort: 'high', summary: 'auto' } }],
  ['response_format json_schema and verbosity → text', { model: 'x', messages: [{ role: 'user', content: 'q' }], response_format: { type: 'json_schema', json_schema: { name: 'city', schema: { type: 'object' }, strict: true } }, verbosity: 'low' }, { text: { format: { type: 'json_schema', name: 'city', schema: { type: 'object' }, strict: true }, verbosity: 'low' } }],
  ['response_format json_object → text.format', { model: 'x', messages: [{ role: 'user', content: 'q' }], response_format: { type: 'json_object' } }, { text: { format: { type: 'json_object' } } }],
  [
    'temperature, top_p, user, metadata, service_tier, prompt_cache_key, safety_identifier, stream; store/stream_options not sent; defaults accepted',
    { model: 'x', messages: [{ role: 'user', content: 'q' }], temperature: 0.2, top_p: 0.9, user: 'u', metadata: { a: '1' }, service_tier: 'flex', prompt_cache_key: 'k', safety_identifier: 's', stream: true, stream_options: { include_usage: true }, store: true, n: 1, stop: null, presence_penalty: 0, logprobs: false, modalities: ['text'] },
    { temperature: 0.2, top_p: 0.9, user: 'u', metadata: { a: '1' }, service_tier: 'flex', prompt_cache_key: 'k', safety_identifier: 's', stream: true, ...STATELESS },
  ],
];

describe('toResponsesRequest', () => {
  it.each(CASES)('%s', (_name, body, expected) => {
    const out = toResponsesRequest(body, 'gpt-5.4');
    expect(out).toMatchObject(expected);
    expect(out).toMatchObject(STATELESS);
    expect(out.model).toBe('gpt-5.4');
    expect(out).not.toHaveProperty('messages');
    expect(out).not.toHaveProperty('stream_options');
    // Every item and tool as OpenAI's published schemas have them (messages as EasyInputMessage: InputItem's oneOf overlaps).
    for (const item of out.input as Json[]) expect(schemaErrors(item.type === 'message' ? 'EasyInputMessage' : 'InputItem', item)).toEqual([]);
    for (const tool of (out.tools as Json[] | undefined) ?? []) expect(schemaErrors('Tool', tool)).toEqual([]);
    if (out.tool_choice !== undefined) expect(schemaErrors('ToolChoiceParam', out.tool_choice)).toEqual([]);
    if (out.reasoning !== undefined) expect(schemaErrors('Reasoning', out.reasoning)).toEqual([]);
    if (out.text !== undefined) expect(schemaErrors('ResponseTextParam', out.text)).toEqual([]);
  });

  it('sends no reasoning, instructions or tools it was not given', () => {
    const out = toResponsesRequest({ model: 'x', messages: [{ role: 'user', content: 'q' }] }, 'gpt-5.4');
    expect(Object.keys(out).sort()).toEqual(['include', 'input', 'model', 'store']);
  });

  it.each([
    ['gpt-5.4', true],
    ['gpt-5.1-codex', true],
    ['o3', true],
    ['o4-mini-2025-04-16', true],
    ['gpt-6', true],
    ['gpt-4o', false],
    ['gpt-4o-mini', false],
    ['gpt-4.1-2025-04-14', false],
    ['gpt-3.5-turbo', false],
    ['chatgpt-4o-latest', false],
    ['gpt-5-chat-latest', false],
  ])('%s: encrypted reasoning asked for: %s (models without reasoning refuse it); store false either way', (model, encrypted) => {
    const out = toResponsesRequest({ model: 'x', messages: [{ role: 'user', content: 'q' }] }, model);
    expect(out.store).toBe(false);
    expect(out.include).toEqual(encrypted ? ['reasoning.encrypted_content'] : undefined);
  });

  it('is linear in the number of messages (50,000 turns well under a second)', () => {
    const messages: Json[] = [];
    for (let i = 0; i < 25_000; i++) messages.push({ role: 'assistant', content: null, reasoning_details: [enc(`rs_${i}`, 'd')], tool_calls: [call(`c${i}`)] }, { role: 'tool', tool_call_id: `c${i}`, content: 'r' });
    const t = Date.now();
    const out = toResponsesRequest({ model: 'x', messages }, 'gpt-5.4');
    expect(Date.now() - t).toBeLessThan(1000);
    expect((out.input as Json[]).length).toBe(75_000);
  });
});

describe('refused: what Responses cannot express (400, never dropped)', () => {
  const q = [{ role: 'user', content: 'q' }];
  it.each<[string, Json, string]>([
    ['n > 1', { n: 2 }, 'n'],
    ['stop', { stop: ['END'] }, 'stop'],
    ['presence_penalty', { presence_penalty: 0.5 }, 'presence_penalty'],
    ['frequency_penalty', { frequency_penalty: 1 }, 'frequency_penalty'],
    ['logit_bias', { logit_bias: { 50256: -100 } }, 'logit_bias'],
    ['logprobs', { logprobs: true }, 'logprobs'],
    ['top_logprobs', { top_logprobs: 3 }, 'top_logprobs'],
    ['seed', { seed: 7 }, 'seed'],
    ['audio output', { modalities: ['text', 'audio'] }, 'modalities'],
    ['prediction', { prediction: { type: 'content', content: 'x' } }, 'prediction'],
    ['web_search_options', { web_search_options: {} }, 'web_search_options'],
    ['legacy functions', { functions: [{ name: 'f' }] }, 'functions'],
    ['an unknown field', { reasoning: { enabled: true } }, 'reasoning'],
    ['a custom tool', { tools: [{ type: 'custom', custom: { name: 'patch' } }] }, 'tools[0]'],
    ['a custom tool_choice', { tools: [fn], tool_choice: { type: 'custom', custom: { name: 'patch' } } }, 'tool_choice'],
    ['an audio part', { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } }] }] }, 'messages'],
    ['an image in a system message', { messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }, ...q] }, 'messages'],
    ['the function role', { messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages'],
    ['a custom tool call in history', { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'custom', custom: { name: 'p', input: 'x' } }] }] }, 'messages'],
    ['reasoning_details of this format without its data', { messages: [{ role: 'assistant', content: 'a', reasoning_details: [{ type: 'reasoning.encrypted', id: 'rs_1', format: 'openai-responses-v1' }] }] }, 'messages'],
    ['response_format text_grammar', { response_format: { type: 'grammar' } }, 'response_format'],
  ])('%s', (_name, extra, param) => {
    const err = thrown(() => toResponsesRequest({ model: 'x', messages: q, ...extra }, 'gpt-5.4'));
    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    expect(err.param).toBe(param);
  });

  it('a body without messages', () => {
    expect(thrown(() => toResponsesRequest({ model: 'x' }, 'm')).param).toBe('messages');
  });
});
