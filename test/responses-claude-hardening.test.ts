/**
 * Malformed `/v1/responses` bodies for a Claude model (translated twice: responses → chat → Anthropic, and
 * back), streamed and not: each gets a 4xx in OpenAI's shape or a 200, never a 5xx.
 */
import { describe, expect, it } from 'vitest';
import { sharedServer, startGateway } from './helpers.js';
import { startMessagesUpstream } from './mocks/messages-upstream.js';

const mock = sharedServer(startMessagesUpstream);
const gateway = sharedServer(() => startGateway({ ...mock().env, MINI_LLM_LOG: 'silent' }));

const ODD: unknown[] = [
  null, 0, -1, 1e308, '', 'x'.repeat(10_000), true, [], [null], [1, 'a'], {}, { type: 'nope' }, [{}], [{ type: 5 }],
  [{ role: 'user', content: {} }], [{ role: 'user', content: [null, 3, { type: 'input_image' }] }], [{ role: 'user', content: [{ type: 'input_image', image_url: 'ftp://x' }] }],
  [{ role: 'user', content: [{ type: 'input_file', file_data: 'nope' }] }], [{ type: 'function_call', call_id: 'c', name: 'f', arguments: 'not json' }],
  [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '[1]' }, { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 5 }] }],
  [{ type: 'function_call_output', output: { a: 1 } }], [{ type: 'reasoning', encrypted_content: 'mlgw.thinking.v1:!!' }],
  [{ type: 'reasoning', encrypted_content: `mlgw.thinking.v1:${btoa('[{"type":"thinking"},5,null]')}` }, { role: 'assistant', content: 'x' }],
  { effort: 'max', summary: 5 }, { format: { type: 'json_schema', schema: 5 } }, { format: { type: 'json_schema', name: 'x', schema: { type: 'object', properties: { a: { type: 5 } } } } },
  [{ type: 'function', name: 'f', parameters: 5 }], [{ type: 'custom', name: 'p', format: { type: 'grammar', definition: 5 } }], { type: 'function', name: 'missing' },
];
const FIELDS = ['input', 'instructions', 'tools', 'tool_choice', 'text', 'reasoning', 'max_output_tokens', 'temperature', 'top_p', 'parallel_tool_calls', 'include'];

describe.each([false, true])('odd values in every field, claude-sonnet-4-6, stream %s', (stream) => {
  it(`answers ${FIELDS.length * ODD.length} malformed bodies with 4xx or 200, never 5xx`, async () => {
    for (const field of FIELDS) {
      for (const value of ODD) {
        const res = await fetch(`${gateway().url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-sonnet-4-6', input: 'hi', stream, [field]: value }) });
        const text = await res.text();
        const what = `${field}=${JSON.stringify(value).slice(0, 80)} → ${res.status} ${text.slice(0, 300)}`;
        expect(res.status < 500, what).toBe(true);
        if (res.status >= 400) expect(JSON.parse(text).error, what).toMatchObject({ message: expect.any(String), type: expect.any(String) });
      }
    }
  }, 60_000);
});

/** The chat route to Claude (the Anthropic adapter's mappers: structured output, reasoning, caching, thinking blocks). */
const CHAT_ODD: unknown[] = [
  ...ODD,
  { type: 'json_schema' }, { type: 'json_schema', json_schema: 5 }, { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: 5 } } }, { type: 'json_object' },
  { type: 'ephemeral', ttl: 5 }, { type: 'ephemeral', ttl: '1h' }, 'high', 'none', 'max', 'xhigh', { type: 'enabled', budget_tokens: -1 },
  [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string', format: 'email', minLength: 5 } } }, strict: true } }],
  [{ type: 'function', function: { name: 'f' }, cache_control: { type: 'nope' } }],
  [{ role: 'user', content: 'hi', cache_control: { type: 'ephemeral' } }, { role: 'assistant', content: null, thinking_blocks: [null, 5, { type: 'thinking' }], tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 't', content: [{ type: 'text', text: 'r' }] }],
  [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 5 }, { type: 'text', text: 'y' }], reasoning_details: [{ type: 'reasoning.text', text: 5, signature: 's' }, 7] }],
  [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,' } }, { type: 'file', file: { file_data: 'data:application/pdf;base64,AAAA' } }] }],
];
const CHAT_FIELDS = ['messages', 'response_format', 'reasoning_effort', 'tools', 'tool_choice', 'cache_control', 'thinking', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'stop', 'parallel_tool_calls', 'output_config', 'n', 'user'];

describe.each([false, true])('chat to Claude: odd values in every field, stream %s', (stream) => {
  it(`answers ${CHAT_FIELDS.length * CHAT_ODD.length} malformed bodies with 4xx or 200, never 5xx`, async () => {
    for (const field of CHAT_FIELDS) {
      for (const value of CHAT_ODD) {
        const res = await fetch(`${gateway().url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], stream, [field]: value }) });
        const text = await res.text();
        const what = `${field}=${JSON.stringify(value).slice(0, 80)} → ${res.status} ${text.slice(0, 300)}`;
        expect(res.status < 500, what).toBe(true);
        if (res.status >= 400) expect(JSON.parse(text).error, what).toMatchObject({ message: expect.any(String), type: expect.any(String) });
      }
    }
  }, 60_000);
});
