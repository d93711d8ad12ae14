/**
 * Malformed `/v1/responses` bodies: each gets a 4xx in OpenAI's shape (or, where the value is merely odd but
 * usable, a 200), never a 500; and the gateway stays up. Translated (a chat-only provider) and pass-through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, startGateway, type RunningGateway } from './helpers.js';
import { startChatUpstream } from './mocks/chat-upstream.js';
import type { Loopback } from './mocks/loopback.js';
import { startResponsesUpstream } from './mocks/responses-upstream.js';

let chatUp: Loopback;
let responsesUp: Loopback;
let gw: RunningGateway;
beforeAll(async () => {
  [chatUp, responsesUp] = await Promise.all([startChatUpstream(), startResponsesUpstream()]);
  gw = await startGateway({ OPENAI_API_KEY: KEYS.OPENAI_API_KEY, OPENAI_BASE_URL: `${responsesUp.url}/v1`, MINI_LLM_PROVIDERS: JSON.stringify({ chatonly: { baseUrl: `${chatUp.url}/v1` } }), MINI_LLM_LOG: 'silent' });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([chatUp?.close(), responsesUp?.close()]);
});

const ODD: unknown[] = [null, 0, -1, 1e308, '', 'x'.repeat(10_000), true, [], [null], [1, 'a'], {}, { type: 'nope' }, [{}], [{ type: 5 }], [{ role: 'user', content: {} }], [{ role: 'user', content: [null, 3, { type: 'input_image' }] }], [{ type: 'function_call' }], [{ type: 'function_call_output', output: { a: 1 } }], [{ type: 'reasoning', encrypted_content: 'mlgw.thinking.v1:!!' }]];
const FIELDS = ['input', 'instructions', 'tools', 'tool_choice', 'text', 'reasoning', 'max_output_tokens', 'temperature', 'include', 'parallel_tool_calls', 'stream'];

describe.each(['chatonly/m', 'gpt-4o-mini'])('odd values in every field, %s', (model) => {
  it(`answers ${FIELDS.length * ODD.length} malformed bodies with 4xx or 200, never 5xx`, async () => {
    const statuses = new Map<number, number>();
    for (const field of FIELDS) {
      for (const value of ODD) {
        const res = await fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, input: 'hi', [field]: value }) });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status < 500, `${field}=${JSON.stringify(value).slice(0, 60)} → ${res.status} ${text.slice(0, 200)}`).toBe(true);
        if (res.status >= 400) expect(JSON.parse(text).error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
      }
    }
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
