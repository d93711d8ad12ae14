/**
 * Malformed `/v1/messages` and `/v1/messages/count_tokens` bodies: each gets a 4xx in Anthropic's shape (or,
 * where the value is merely odd but usable, a 200), never a 5xx; translated (an OpenAI-compatible provider),
 * pass-through (an Anthropic-kind provider) and count_tokens' local estimate alike.
 */
import { describe, expect, it } from 'vitest';
import { sharedServer, startGateway } from './helpers.js';
import { startMessagesUpstream } from './mocks/messages-upstream.js';

const mock = sharedServer(startMessagesUpstream);
const gateway = sharedServer(() => startGateway({ ...mock().env, MINI_LLM_LOG: 'silent' }));

const ODD: unknown[] = [
  null, 0, -1, 1e308, '', 'x'.repeat(10_000), true, [], [null], [1, 'a'], {}, { type: 'nope' }, [{}], [{ type: 5 }],
  [{ role: 'user', content: {} }], [{ role: 'user', content: null }], [{ role: 'user', content: [null, 3, { type: 'image' }] }],
  [{ role: 'user', content: [{ type: 'document', source: null }] }], [{ role: 'user', content: [{ type: 'tool_result', content: { a: 1 } }] }],
  [{ role: 'assistant', content: [{ type: 'tool_use', input: 'x' }] }], [{ role: 'tool', content: 'x' }],
  [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 5 } }] }], { effort: 'constructor' }, { type: 'enabled', budget_tokens: 'x' },
  { type: 'tool', name: 5 }, [{ name: 5 }], [{ name: 'x', input_schema: 'y' }], { format: { type: 'json_schema', schema: 5 } }, { user_id: {} },
];
const FIELDS = ['messages', 'system', 'tools', 'tool_choice', 'thinking', 'output_config', 'metadata', 'max_tokens', 'temperature', 'stop_sequences', 'stream'];

// count_tokens for an OpenAI-compatible model is a local estimate: lenient by design (any body gets a count).
describe.each([
  ['/v1/messages', 'gpt-4o-mini', true],
  ['/v1/messages', 'claude-sonnet-4-6', true],
  ['/v1/messages/count_tokens', 'gpt-4o-mini', false],
  ['/v1/messages/count_tokens', 'claude-sonnet-4-6', true],
])('odd values in every field, %s with %s', (path, model, refusesSome) => {
  it(`answers ${FIELDS.length * ODD.length} malformed bodies with 4xx or 200, never 5xx, in Anthropic's shape`, async () => {
    const statuses = new Map<number, number>();
    for (const field of FIELDS) {
      for (const value of ODD) {
        const body = { model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], [field]: value };
        const res = await fetch(`${gateway().url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status < 500, `${field}=${JSON.stringify(value).slice(0, 60)} → ${res.status} ${text.slice(0, 300)}`).toBe(true);
        if (res.status >= 400) expect(JSON.parse(text), `${field}=${JSON.stringify(value).slice(0, 60)}: ${text.slice(0, 300)}`).toEqual({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
      }
    }
    if (refusesSome) expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  }, 60_000);
});

describe("every gateway error on the Messages routes is in Anthropic's shape", () => {
  const deep = `{"model":"gpt-4o-mini","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(200)}${']'.repeat(200)}}`;
  it.each([
    ['/v1/messages', 'POST', deep, 400, 'invalid_request_error', /nests deeper/],
    ['/v1/messages/count_tokens', 'POST', deep, 400, 'invalid_request_error', /nests deeper/],
    ['/v1/messages', 'POST', '[1]', 400, 'invalid_request_error', /JSON object/],
    ['/v1/messages', 'POST', JSON.stringify({ max_tokens: 1, messages: [] }), 400, 'invalid_request_error', /"model"/],
    ['/v1/messages', 'POST', JSON.stringify({ model: 'nebius/x', max_tokens: 1, messages: [] }), 400, 'invalid_request_error', /NEBIUS_API_KEY/],
    ['/v1/messages/count_tokens', 'POST', JSON.stringify({ model: 'nebius/x', messages: [] }), 400, 'invalid_request_error', /NEBIUS_API_KEY/],
    ['/v1/messages/batches', 'POST', '{}', 404, 'not_found_error', /Unknown route/],
    ['/v1/messages/', 'POST', '{}', 404, 'not_found_error', /Unknown route/],
    ['/v1/messages/count_tokens', 'GET', undefined, 404, 'not_found_error', /use POST/],
  ])('%s %s %#', async (path, method, body, status, type, message) => {
    const res = await fetch(`${gateway().url}${path}?beta=true`, { method, headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(status);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await res.json()).toEqual({ type: 'error', error: { type, message: expect.stringMatching(message) } });
  });

  it('413 for a chunked upload over the limit, and 401 for a missing key, on both routes', async () => {
    const small = await startGateway({ ...mock().env, MINI_LLM_MAX_BODY_BYTES: '300', MINI_LLM_API_KEY: 'gw-hardening-key-0123', MINI_LLM_LOG: 'silent' });
    try {
      for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
        const text = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 1, messages: [{ role: 'user', content: 'x'.repeat(1000) }] });
        const chunked = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(text)), c.close()) });
        const big = await fetch(`${small.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'gw-hardening-key-0123' }, body: chunked, duplex: 'half' } as RequestInit);
        expect(big.status).toBe(413);
        expect(await big.json()).toEqual({ type: 'error', error: { type: 'request_too_large', message: expect.stringContaining('MINI_LLM_MAX_BODY_BYTES') } });
        const denied = await fetch(`${small.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(denied.status).toBe(401);
        expect(await denied.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
      }
    } finally {
      await small.close();
    }
  });
});
