/** Messages request → chat request (src/dialects/messages/request.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { messagesToChat } from '../../src/dialects/messages/request.js';
import { thrown } from '../helpers.js';

const map = (body: Record<string, unknown>, opts = {}) => messagesToChat({ model: 'claude-x', max_tokens: 100, ...body }, 'up-model', opts);

describe('messagesToChat', () => {
  it.each([
    {
      name: 'string system and a string user message',
      in: { system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] },
      out: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
    },
    {
      name: 'system blocks (cache_control dropped), joined',
      in: { system: [{ type: 'text', text: 'A', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'B' }], messages: [{ role: 'user', content: 'Hi' }] },
      out: [{ role: 'system', content: 'A\n\nB' }, { role: 'user', content: 'Hi' }],
    },
    {
      name: 'a system-role entry inside messages stays in place',
      in: { messages: [{ role: 'user', content: 'Hi' }, { role: 'system', content: [{ type: 'text', text: 'Note' }] }, { role: 'user', content: 'Go' }] },
      out: [{ role: 'user', content: 'Hi' }, { role: 'system', content: 'Note' }, { role: 'user', content: 'Go' }],
    },
    {
      name: 'text blocks become one string',
      in: { messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }] }] },
      out: [{ role: 'user', content: 'a\n\nb' }],
    },
    {
      name: 'base64 and url images',
      in: {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
              { type: 'image', source: { type: 'url', url: 'https://x.test/a.jpg' } },
            ],
          },
        ],
      },
      out: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
            { type: 'image_url', image_url: { url: 'https://x.test/a.jpg' } },
          ],
        },
      ],
    },
    {
      name: 'documents: base64 PDF as a file part, plain text inline',
      in: {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' }, title: 'r.pdf' },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
            ],
          },
        ],
      },
      out: [
        {
          role: 'user',
          content: [
            { type: 'file', file: { filename: 'r.pdf', file_data: 'data:application/pdf;base64,JVBER' } },
            { type: 'text', text: 'plain words' },
          ],
        },
      ],
    },
    {
      name: 'assistant text + tool_use (thinking dropped) → content + tool_calls',
      in: {
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 'sig' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            ],
          },
        ],
      },
      out: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      ],
    },
    {
      name: 'assistant with only tool_use → content null',
      in: { messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] },
      out: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] }],
    },
    {
      name: 'tool results first (string, blocks, error), then the rest of the user turn, tool images after',
      in: {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'and also this' },
              { type: 'tool_result', tool_use_id: 'a', content: '18°C' },
              { type: 'tool_result', tool_use_id: 'b', content: [{ type: 'text', text: 'line 1' }, { type: 'text', text: 'line 2' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QQ' } }] },
              { type: 'tool_result', tool_use_id: 'c', content: 'not found', is_error: true },
            ],
          },
        ],
      },
      out: [
        { role: 'tool', tool_call_id: 'a', content: '18°C' },
        { role: 'tool', tool_call_id: 'b', content: 'line 1\nline 2' },
        { role: 'tool', tool_call_id: 'c', content: 'Error: not found' },
        { role: 'user', content: [{ type: 'text', text: 'and also this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,QQ' } }] },
      ],
    },
  ])('$name', ({ in: body, out }) => {
    expect(map(body).messages).toEqual(out);
  });

  it.each([
    { name: 'max_tokens', in: { max_tokens: 5 }, out: { max_tokens: 5 } },
    { name: 'max_tokens for OpenAI itself', in: { max_tokens: 5 }, opts: { maxCompletionTokens: true }, out: { max_completion_tokens: 5 } },
    { name: 'stop_sequences → stop', in: { stop_sequences: ['END', '###'] }, out: { stop: ['END', '###'] } },
    { name: 'temperature, top_p (top_k dropped)', in: { temperature: 0.2, top_p: 0.9, top_k: 5 }, out: { temperature: 0.2, top_p: 0.9 } },
    { name: 'metadata.user_id → user', in: { metadata: { user_id: 'u-1' } }, out: { user: 'u-1' } },
    { name: 'stream asks for usage', in: { stream: true }, out: { stream: true, stream_options: { include_usage: true } } },
    { name: 'thinking enabled, small budget → low', in: { thinking: { type: 'enabled', budget_tokens: 1024 } }, out: { reasoning_effort: 'low' } },
    { name: 'thinking enabled, large budget → high', in: { thinking: { type: 'enabled', budget_tokens: 32000 } }, out: { reasoning_effort: 'high' } },
    { name: 'thinking enabled + output_config.effort', in: { thinking: { type: 'enabled', budget_tokens: 2000 }, output_config: { effort: 'medium' } }, out: { reasoning_effort: 'medium' } },
    { name: 'structured output → response_format', in: { output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }, out: { response_format: { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object' }, strict: true } } } },
  ])('$name', ({ in: fields, opts, out }) => {
    const chat = map({ messages: [{ role: 'user', content: 'x' }], ...fields }, opts);
    const { model, messages, ...rest } = chat;
    expect(model).toBe('up-model');
    expect(rest).toEqual(opts || 'max_tokens' in fields ? out : { max_tokens: 100, ...out });
  });

  it('drops what OpenAI-compatible APIs reject: adaptive thinking, effort alone, Anthropic-only fields', () => {
    const chat = map({
      messages: [{ role: 'user', content: 'x' }],
      thinking: { type: 'adaptive', display: 'omitted' },
      output_config: { effort: 'high' },
      context_management: { edits: [] },
      service_tier: 'auto',
      mcp_servers: [],
      container: 'c',
      top_k: 3,
    });
    expect(Object.keys(chat).sort()).toEqual(['max_tokens', 'messages', 'model']);
  });

  it('tools: client tools mapped, server tools dropped, tool_choice and disable_parallel_tool_use', () => {
    const chat = map({
      messages: [{ role: 'user', content: 'x' }],
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, cache_control: { type: 'ephemeral' } },
        { type: 'custom', name: 'other', input_schema: { type: 'object' } },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(chat.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      { type: 'function', function: { name: 'other', parameters: { type: 'object' } } },
    ]);
    expect(chat.tool_choice).toBe('required');
    expect(chat.parallel_tool_calls).toBe(false);
  });

  it.each([
    [{ type: 'auto' }, { tool_choice: 'auto' }],
    [{ type: 'none' }, { tool_choice: 'none' }],
    [{ type: 'tool', name: 'f' }, { tool_choice: { type: 'function', function: { name: 'f' } } }],
    [{ type: 'auto', disable_parallel_tool_use: true }, { tool_choice: 'auto', parallel_tool_calls: false }],
  ])('tool_choice %j', (choice, out) => {
    const chat = map({ messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: choice });
    expect({ tool_choice: chat.tool_choice, ...(chat.parallel_tool_calls === undefined ? {} : { parallel_tool_calls: chat.parallel_tool_calls }) }).toEqual(out);
  });

  it('only server tools: none sent, and no tool_choice / parallel_tool_calls without tools', () => {
    const chat = map({ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }], tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
    expect(chat.tools).toBeUndefined();
    expect(chat.tool_choice).toBeUndefined();
    expect(chat.parallel_tool_calls).toBeUndefined();
  });

  it.each([
    ['no messages', { messages: undefined }, 'invalid_messages'],
    ['a bad role', { messages: [{ role: 'tool', content: 'x' }] }, 'invalid_messages'],
    ['content of another type', { messages: [{ role: 'user', content: 5 }] }, 'invalid_messages'],
    ['an image without a source', { messages: [{ role: 'user', content: [{ type: 'image' }] }] }, 'invalid_messages'],
    ['tool_choice forcing a server tool', { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }], tool_choice: { type: 'tool', name: 'web_search' } }, 'invalid_tools'],
    ['tool_choice naming an unknown tool', { messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'tool', name: 'g' } }, 'invalid_tools'],
  ])('400 for %s', (_name, body, code) => {
    const err = thrown(() => map(body as Record<string, unknown>));
    expect(err.status).toBe(400);
    expect(err.code).toBe(code);
  });
});
