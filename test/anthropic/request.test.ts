/** PROVIDERS.md §3c (and §3a sampling caveats): OpenAI chat request → Anthropic Messages request, row by row. */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import type { Provider } from '../../src/config.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { modelListFor } from '../../src/providers/index.js';
import { DEFAULT_MAX_TOKENS, DROPPED_FIELDS, toAnthropicRequest } from '../../src/providers/anthropic/request.js';
import { thrown } from '../helpers.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

const MODEL = 'claude-sonnet-4-6';
const hi = [{ role: 'user', content: 'hi' }];
const conv = (extra: Record<string, unknown>, model = MODEL) => toAnthropicRequest({ model: 'alias', messages: hi, ...extra }, model);

describe('toAnthropicRequest: fixture', () => {
  it('openai-request-tools-images.json → anthropic-request-from-openai.json', () => {
    const out = toAnthropicRequest(fixture('openai-request-tools-images.json'), 'claude-sonnet-4-6');
    const expected = fixture('anthropic-request-from-openai.json');
    expect(out).toEqual(expected);
    expect(Object.keys(out)).toEqual(Object.keys(expected));
  });
});

describe('toAnthropicRequest: top-level fields', () => {
  const sonnet4 = 'claude-sonnet-4-20250514'; // before the 4.5 generation: temperature + top_p allowed
  it.each<{ row: string; body: Record<string, unknown>; model?: string; expect: Record<string, unknown> }>([
    { row: 'model is the upstream id', body: {}, expect: { model: MODEL } },
    { row: 'max_tokens default', body: {}, expect: { max_tokens: DEFAULT_MAX_TOKENS } },
    { row: 'max_tokens', body: { max_tokens: 100 }, expect: { max_tokens: 100 } },
    { row: 'max_completion_tokens wins over max_tokens', body: { max_tokens: 100, max_completion_tokens: 200 }, expect: { max_tokens: 200 } },
    { row: 'null max_completion_tokens falls back', body: { max_tokens: 100, max_completion_tokens: null }, expect: { max_tokens: 100 } },
    { row: 'stop string', body: { stop: 'END' }, expect: { stop_sequences: ['END'] } },
    { row: 'stop array, whitespace-only dropped', body: { stop: ['a', ' ', '\n', 'b'] }, expect: { stop_sequences: ['a', 'b'] } },
    { row: 'stop all whitespace → omitted', body: { stop: [' ', '\t'] }, expect: { stop_sequences: undefined } },
    { row: 'stop null → omitted', body: { stop: null }, expect: { stop_sequences: undefined } },
    { row: 'temperature clamped to 1', body: { temperature: 1.7 }, expect: { temperature: 1 } },
    { row: 'temperature kept', body: { temperature: 0.2 }, expect: { temperature: 0.2 } },
    { row: 'temperature 0 kept', body: { temperature: 0 }, expect: { temperature: 0 } },
    { row: 'top_p alone (4.6)', body: { top_p: 0.9 }, expect: { top_p: 0.9 } },
    { row: 'top_k passes', body: { top_k: 40 }, expect: { top_k: 40 } },
    { row: 'temperature + top_p on Sonnet 4 → both', model: sonnet4, body: { temperature: 0.5, top_p: 0.9 }, expect: { temperature: 0.5, top_p: 0.9 } },
    { row: 'temperature + top_p on Sonnet 4.6 → temperature only', body: { temperature: 0.5, top_p: 0.9 }, expect: { temperature: 0.5, top_p: undefined } },
    {
      row: 'temperature + top_p on Haiku 4.5 (dated) → temperature only',
      model: 'claude-haiku-4-5-20251001',
      body: { temperature: 0.5, top_p: 0.9 },
      expect: { temperature: 0.5, top_p: undefined },
    },
    ...['claude-opus-4-7', 'claude-opus-4-8', 'claude-sonnet-5', 'claude-sonnet-5-20270101', 'claude-opus-5-1', 'claude-fable-5'].map((model) => ({
      row: `${model}: temperature/top_p/top_k dropped`,
      model,
      body: { temperature: 0.5, top_p: 0.9, top_k: 5 },
      expect: { temperature: undefined, top_p: undefined, top_k: undefined },
    })),
    { row: 'user → metadata.user_id', body: { user: 'u-1' }, expect: { metadata: { user_id: 'u-1' } } },
    { row: 'OpenAI metadata is not forwarded', body: { metadata: { a: 'b' } }, expect: { metadata: undefined } },
    { row: 'stream true', body: { stream: true }, expect: { stream: true } },
    { row: 'stream false → omitted', body: { stream: false }, expect: { stream: undefined } },
    { row: 'stream_options not forwarded', body: { stream: true, stream_options: { include_usage: true } }, expect: { stream_options: undefined } },
    { row: 'n = 1 dropped', body: { n: 1 }, expect: { n: undefined } },
  ])('$row', ({ body, model, expect: want }) => {
    const out = conv(body, model);
    for (const [k, v] of Object.entries(want)) {
      if (v === undefined) expect(out).not.toHaveProperty(k);
      else expect(out[k]).toEqual(v);
    }
  });

  it('DEFAULT_MAX_TOKENS is 4096', () => expect(DEFAULT_MAX_TOKENS).toBe(4096));

  it.each(DROPPED_FIELDS)('dropped field %s never goes upstream', (field) => {
    const value = field === 'n' ? 1 : field === 'logprobs' ? true : { x: 1 };
    expect(conv({ [field]: value })).not.toHaveProperty(field);
  });

  it('the output has only Anthropic fields', () => {
    const all = Object.fromEntries(DROPPED_FIELDS.map((f) => [f, f === 'n' ? 1 : 'x']));
    expect(Object.keys(conv(all))).toEqual(['model', 'max_tokens', 'messages']);
  });

  it.each([
    ['thinking', { type: 'enabled', budget_tokens: 2048 }],
    ['output_config', { effort: 'low' }],
    ['some_future_field', [1, 2]],
  ])('a field it does not know, %s, goes upstream untouched (no allowlist)', (field, value) => {
    expect(conv({ [field]: value })[field]).toEqual(value);
  });
});

describe('toAnthropicRequest: system and developer messages', () => {
  it.each<{ row: string; messages: unknown[]; system: string | undefined; messagesOut: unknown[] }>([
    {
      row: 'system and developer at any position, joined with \\n',
      messages: [{ role: 'system', content: 'A' }, ...hi, { role: 'developer', content: 'B' }],
      system: 'A\nB',
      messagesOut: hi,
    },
    {
      row: 'system as text parts',
      messages: [{ role: 'system', content: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] }, ...hi],
      system: 'A\nB',
      messagesOut: hi,
    },
    { row: 'no system → omitted', messages: hi, system: undefined, messagesOut: hi },
    { row: 'empty system → omitted', messages: [{ role: 'system', content: '' }, ...hi], system: undefined, messagesOut: hi },
  ])('$row', ({ messages, system, messagesOut }) => {
    const out = conv({ messages });
    expect(out.system).toBe(system);
    expect('system' in out).toBe(system !== undefined);
    expect(out.messages).toEqual(messagesOut);
  });
});

describe('toAnthropicRequest: tools and tool_choice', () => {
  const tool = (fn: Record<string, unknown>) => ({ type: 'function', function: { name: 'f', ...fn } });
  it.each<{ row: string; tools: unknown[]; out: unknown[] }>([
    {
      row: 'parameters → input_schema; strict → strict, schema made acceptable (4.6)',
      tools: [tool({ description: 'd', parameters: { type: 'object', properties: { a: { type: 'string', minLength: 2 } } }, strict: true })],
      out: [
        {
          name: 'f',
          description: 'd',
          input_schema: { type: 'object', properties: { a: { type: 'string', description: '{minLength: 2}' } }, additionalProperties: false },
          strict: true,
        },
      ],
    },
    {
      row: 'parameters → input_schema untouched without strict',
      tools: [tool({ description: 'd', parameters: { type: 'object', properties: { a: { type: 'string', minLength: 2 } } } })],
      out: [{ name: 'f', description: 'd', input_schema: { type: 'object', properties: { a: { type: 'string', minLength: 2 } } } }],
    },
    {
      row: 'no parameters → empty object schema',
      tools: [tool({})],
      out: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
    },
  ])('$row', ({ tools, out }) => {
    expect(conv({ tools }).tools).toEqual(out);
  });

  const tools = [tool({})];
  it.each<{ row: string; body: Record<string, unknown>; choice: unknown }>([
    { row: 'auto', body: { tool_choice: 'auto' }, choice: { type: 'auto' } },
    { row: 'required → any', body: { tool_choice: 'required' }, choice: { type: 'any' } },
    { row: 'none', body: { tool_choice: 'none' }, choice: { type: 'none' } },
    { row: 'named function → tool', body: { tool_choice: { type: 'function', function: { name: 'f' } } }, choice: { type: 'tool', name: 'f' } },
    { row: 'absent → omitted', body: {}, choice: undefined },
    { row: 'parallel_tool_calls:false, no tool_choice', body: { parallel_tool_calls: false }, choice: { type: 'auto', disable_parallel_tool_use: true } },
    {
      row: 'parallel_tool_calls:false + required',
      body: { parallel_tool_calls: false, tool_choice: 'required' },
      choice: { type: 'any', disable_parallel_tool_use: true },
    },
    {
      row: 'parallel_tool_calls:false + named',
      body: { parallel_tool_calls: false, tool_choice: { type: 'function', function: { name: 'f' } } },
      choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true },
    },
    { row: 'parallel_tool_calls:false + none → none only', body: { parallel_tool_calls: false, tool_choice: 'none' }, choice: { type: 'none' } },
    { row: 'parallel_tool_calls:true → nothing', body: { parallel_tool_calls: true }, choice: undefined },
  ])('tool_choice $row', ({ body, choice }) => {
    const out = conv({ tools, ...body });
    if (choice === undefined) expect(out).not.toHaveProperty('tool_choice');
    else expect(out.tool_choice).toEqual(choice);
  });

  it('without tools, tool_choice and parallel_tool_calls are not sent', () => {
    const out = conv({ tool_choice: 'auto', parallel_tool_calls: false, tools: [] });
    expect(out).not.toHaveProperty('tools');
    expect(out).not.toHaveProperty('tool_choice');
  });
});

describe('toAnthropicRequest: messages', () => {
  const call = (id: string, args: string, name = 'f') => ({ id, type: 'function', function: { name, arguments: args } });
  const PNG = 'iVBORw0KGgo=';
  it.each<{ row: string; messages: unknown[]; out: unknown[] }>([
    { row: 'user content string stays a string', messages: hi, out: hi },
    {
      row: 'text parts, empty text skipped',
      messages: [{ role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'a' }] }],
      out: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }],
    },
    {
      row: 'data: image → base64 source, detail dropped',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${PNG}`, detail: 'high' } }] }],
      out: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: PNG } }] }],
    },
    {
      row: 'data:application/pdf → document',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:application/pdf;base64,JVBERi0=' } }] }],
      out: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }] }],
    },
    {
      row: 'file part with a PDF data URL → document',
      messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }] }],
      out: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }] }],
    },
    {
      row: 'https image → url source',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } }] }],
      out: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }],
    },
    {
      row: 'assistant string content stays a string',
      messages: [...hi, { role: 'assistant', content: 'hello' }],
      out: [...hi, { role: 'assistant', content: 'hello' }],
    },
    {
      row: 'assistant text first, then tool_use blocks',
      messages: [...hi, { role: 'assistant', content: 'Let me look.', tool_calls: [call('t1', '{"a":1}'), call('t2', '', 'g')] }],
      out: [
        ...hi,
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
            { type: 'tool_use', id: 't2', name: 'g', input: {} },
          ],
        },
      ],
    },
    {
      row: 'assistant content parts + tool call',
      messages: [...hi, { role: 'assistant', content: [{ type: 'text', text: 'x' }], tool_calls: [call('t1', '{}')] }],
      out: [...hi, { role: 'assistant', content: [{ type: 'text', text: 'x' }, { type: 'tool_use', id: 't1', name: 'f', input: {} }] }],
    },
    {
      row: 'parallel tool results and the next user message → one user message, tool_results first',
      messages: [
        ...hi,
        { role: 'assistant', content: null, tool_calls: [call('t1', '{}'), call('t2', '{}')] },
        { role: 'tool', tool_call_id: 't1', content: 'r1' },
        { role: 'tool', tool_call_id: 't2', content: [{ type: 'text', text: 'r2' }] },
        { role: 'user', content: [{ type: 'text', text: 'next' }] },
        { role: 'user', content: 'separate' },
      ],
      out: [
        ...hi,
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 't1', name: 'f', input: {} },
            { type: 'tool_use', id: 't2', name: 'f', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'r1' },
            { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'r2' }] },
            { type: 'text', text: 'next' },
          ],
        },
        { role: 'user', content: 'separate' },
      ],
    },
    {
      row: 'tool result followed by assistant is not merged',
      messages: [
        ...hi,
        { role: 'assistant', content: null, tool_calls: [call('t1', '{}')] },
        { role: 'tool', tool_call_id: 't1', content: 'r1' },
        { role: 'assistant', content: 'done' },
      ],
      out: [
        ...hi,
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r1' }] },
        { role: 'assistant', content: 'done' },
      ],
    },
    {
      row: 'consecutive same-role user messages are left as they are',
      messages: [...hi, ...hi],
      out: [...hi, ...hi],
    },
  ])('$row', ({ messages, out }) => {
    expect(conv({ messages }).messages).toEqual(out);
  });
});

describe('toAnthropicRequest: rejected requests', () => {
  it.each<{ row: string; body: Record<string, unknown>; code: string; param: string }>([
    { row: 'n > 1', body: { messages: hi, n: 2 }, code: 'unsupported_parameter', param: 'n' },
    { row: 'messages missing', body: {}, code: 'invalid_messages', param: 'messages' },
    { row: 'messages not an array', body: { messages: 'hi' }, code: 'invalid_messages', param: 'messages' },
    {
      row: 'invalid JSON tool arguments',
      body: { messages: [...hi, { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }] },
      code: 'invalid_tool_arguments',
      param: 'messages[1].tool_calls[0].function.arguments',
    },
    {
      row: 'tool arguments that are not an object',
      body: { messages: [...hi, { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] },
      code: 'invalid_tool_arguments',
      param: 'messages[1].tool_calls[0].function.arguments',
    },
    { row: 'unknown role', body: { messages: [{ role: 'wizard', content: 'x' }] }, code: 'invalid_messages', param: 'messages[0].role' },
    {
      row: 'audio input part',
      body: { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] },
      code: 'unsupported_content',
      param: 'messages[0].content[0]',
    },
    {
      row: 'image URL that is neither http(s) nor data:',
      body: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/a.png' } }] }] },
      code: 'invalid_image_url',
      param: 'messages[0].content[0]',
    },
    { row: 'unknown tool_choice', body: { messages: hi, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'always' }, code: 'invalid_tool_choice', param: 'tool_choice' },
  ])('$row → 400 $code', ({ body, code, param }) => {
    const err = thrown(() => toAnthropicRequest(body, MODEL));
    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    expect(err.code).toBe(code);
    expect(err.param).toBe(param);
  });
});

describe('anthropic adapter requests', () => {
  const provider = (over: Partial<Provider> = {}): Provider => ({
    id: 'anthropic',
    kind: 'anthropic',
    baseUrl: 'https://api.anthropic.com',
    chatUrl: 'https://api.anthropic.com/v1/messages',
    modelsUrl: 'https://api.anthropic.com/v1/models',
    responsesUrl: 'https://api.anthropic.com/responses',
    embeddingsUrl: 'https://api.anthropic.com/embeddings',
    countTokensUrl: 'https://api.anthropic.com/v1/messages/count_tokens',
    responses: false,
    reasoning: 'none',
    auth: 'x-api-key',
    apiKey: 'sk-ant-test',
    apiKeyVariable: 'ANTHROPIC_API_KEY',
    enabled: true,
    enableHint: 'ANTHROPIC_API_KEY',
    quirks: {},
    ...over,
  });

  it('chatRequest: URL, headers and translated body', () => {
    const call = anthropic.chatRequest({ body: { model: 'claude-sonnet', messages: hi, stream: true }, provider: provider(), upstreamModel: MODEL });
    expect(call.url).toBe('https://api.anthropic.com/v1/messages');
    expect(call.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
    });
    expect(JSON.parse(call.body)).toEqual({ model: MODEL, max_tokens: 4096, messages: hi, stream: true });
  });

  it.each([
    { row: 'no key', over: { apiKey: undefined } },
    { row: "auth 'none'", over: { auth: 'none' as const } },
  ])('chatRequest without x-api-key: $row', ({ over }) => {
    const call = anthropic.chatRequest({ body: { model: 'm', messages: hi }, provider: provider(over), upstreamModel: MODEL });
    expect(call.headers).not.toHaveProperty('x-api-key');
    expect(call.headers.accept).toBe('application/json');
  });

  it('chatRequest propagates 400s', () => {
    expect(thrown(() => anthropic.chatRequest({ body: { model: 'm', messages: hi, n: 3 }, provider: provider(), upstreamModel: MODEL })).code).toBe(
      'unsupported_parameter',
    );
  });

  it('the model list (models --check): request and ids', () => {
    const list = modelListFor('anthropic');
    const req = list.request(provider());
    expect(req.url).toBe('https://api.anthropic.com/v1/models');
    expect(req.headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' });
    expect(list.ids(fixture('anthropic-models.json'))).toEqual(['claude-sonnet-4-6', 'claude-haiku-4-5-20251001']);
    expect(list.ids({})).toEqual([]);
  });
});
