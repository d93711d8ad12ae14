/** Anthropic's error shape and the count_tokens estimate (src/dialects/messages/errors.ts, count-tokens.ts). */
import { describe, expect, it } from 'vitest';
import { estimateInputTokens, MEDIA_TOKENS } from '../../src/dialects/messages/count-tokens.js';
import { anthropicErrorType, messagesErrorFrame, messagesErrorResponse } from '../../src/dialects/messages/errors.js';
import { GatewayError } from '../../src/errors.js';

describe('anthropicErrorType', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [422, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
  ])('%i → %s', (status, type) => expect(anthropicErrorType(status)).toBe(type));
});

describe('messagesErrorResponse', () => {
  it('renders the status type, keeps the headers, and restores an upstream 529', async () => {
    const res = messagesErrorResponse(new GatewayError(503, 'overloaded_error', null, 'Overloaded', null, 529, { 'retry-after': '3' }));
    expect(res.status).toBe(529);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('an OpenAI-typed 429 becomes rate_limit_error', async () => {
    const res = messagesErrorResponse(new GatewayError(429, 'requests', 'rate_limit_exceeded', 'Slow down', null, 429));
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } });
  });

  it('frames a mid-stream failure as one event: error', () => {
    expect(messagesErrorFrame('gone', 'api_error')).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"gone"}}\n\n');
  });
});

describe('estimateInputTokens', () => {
  const base = { model: 'm', messages: [{ role: 'user', content: 'Hello there, how are you?' }] };
  it('is never 0 for a non-empty request, nor for an empty one', () => {
    expect(estimateInputTokens(base)).toBeGreaterThan(0);
    expect(estimateInputTokens({ messages: [] })).toBe(1);
  });
  it.each([
    ['system', { system: 'x'.repeat(400) }],
    ['tools with schemas', { tools: [{ name: 'Read', description: 'x'.repeat(200), input_schema: { type: 'object', properties: { file_path: { type: 'string', description: 'y'.repeat(200) } } } }] }],
    ['tool_use inputs', { messages: [...base.messages, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Read', input: { file_path: 'z'.repeat(400) } }] }] }],
    ['tool_result contents', { messages: [...base.messages, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'w'.repeat(400) }] }] }] }],
    ['thinking', { messages: [...base.messages, { role: 'assistant', content: [{ type: 'thinking', thinking: 'v'.repeat(400), signature: 'sig' }] }] }],
  ])('counts %s', (_name, extra) => {
    expect(estimateInputTokens({ ...base, ...extra })).toBeGreaterThanOrEqual(estimateInputTokens(base) + 90);
  });
  it('counts an image a flat amount, not its base64 length', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(1_000_000) } };
    const n = estimateInputTokens({ messages: [{ role: 'user', content: [image] }] });
    expect(n).toBeGreaterThanOrEqual(MEDIA_TOKENS);
    expect(n).toBeLessThan(MEDIA_TOKENS + 20);
  });
});
