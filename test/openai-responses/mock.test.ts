/**
 * The strict OpenAI mock (test/mocks/openai-upstream.ts) itself: what it answers is valid per OpenAI's published
 * schemas, and it refuses what OpenAI refuses (the checks the end-to-end tests rely on).
 */
import { describe, expect, it } from 'vitest';
import { parseSse, sharedServer } from '../helpers.js';
import { OPENAI_KEY, startOpenAIUpstream } from '../mocks/openai-upstream.js';
import { assertValid, assertValidEvent } from '../schemas/openapi.js';

type Json = Record<string, any>;

const mock = sharedServer(startOpenAIUpstream);

const send = (path: string, body: Json, key = OPENAI_KEY) =>
  fetch(`${mock().url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

const tool = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false };
const stateless = { store: false, include: ['reasoning.encrypted_content'] };

describe('the OpenAI mock answers as OpenAI does', () => {
  it.each(['gpt-5.4', 'gpt-5.4-incomplete', 'gpt-5.4-failed', 'gpt-4o'])('%s, tools offered: the whole answer and every streamed event valid', async (model) => {
    const reasoning = model.startsWith('gpt-5');
    const body = { model, input: 'Weather in Paris?', tools: [tool], ...(reasoning ? { reasoning: { effort: 'low', summary: 'auto' }, ...stateless } : { store: false }) };
    const whole = (await (await send('/v1/responses', body)).json()) as Json;
    assertValid('Response', whole);
    const res = await send('/v1/responses', { ...body, stream: true });
    const { events } = parseSse(await res.text());
    for (const e of events) assertValidEvent(e.data);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    if (model === 'gpt-5.4') {
      expect(whole.output.map((i: Json) => i.type)).toEqual(['reasoning', 'function_call']);
      expect(whole.output[0].encrypted_content).toMatch(/^gAAAAB/);
      expect(whole.output[0].summary[0].text).toBe('Turn 1: I should call get_weather.');
    }
    if (model === 'gpt-4o') expect(whole.output.map((i: Json) => i.type)).toEqual(['function_call']);
  });

  it('the reasoning item it issued, replayed unmodified before its call, is accepted', async () => {
    const first = (await (await send('/v1/responses', { model: 'gpt-5.4', input: 'q', tools: [tool], ...stateless })).json()) as Json;
    const [rs, fc] = first.output;
    const res = await send('/v1/responses', { model: 'gpt-5.4', tools: [tool], ...stateless, input: [{ role: 'user', content: 'q' }, { type: 'reasoning', id: rs.id, encrypted_content: rs.encrypted_content, summary: [] }, { type: 'function_call', call_id: fc.call_id, name: fc.name, arguments: fc.arguments }, { type: 'function_call_output', call_id: fc.call_id, output: 'sunny' }] });
    expect(res.status).toBe(200);
  });
});

describe('the OpenAI mock refuses what OpenAI refuses (400, OpenAI’s error shape)', () => {
  const fc = { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' };
  it.each<[string, string, Json, RegExp]>([
    ['a reasoning item without encrypted_content under store:false', '/v1/responses', { model: 'gpt-5.4', ...stateless, input: [{ type: 'reasoning', id: 'rs_x', summary: [] }, fc] }, /Item with id 'rs_x' not found\. Items are not persisted when `store` is set to false/],
    ['a reasoning item whose content it did not issue', '/v1/responses', { model: 'gpt-5.4', ...stateless, input: [{ type: 'reasoning', id: 'rs_x', encrypted_content: 'gAAAAB-forged', summary: [] }, fc] }, /could not be verified/],
    ['a function_call_output whose call is missing', '/v1/responses', { model: 'gpt-5.4', ...stateless, input: [{ role: 'user', content: 'q' }, { type: 'function_call_output', call_id: 'call_9', output: 'x' }] }, /No tool call found for function call output with call_id call_9\./],
    ['a chat field on Responses', '/v1/responses', { model: 'gpt-5.4', input: 'q', max_tokens: 5 }, /Unknown parameter: 'max_tokens'/],
    ['a nested (chat) tool on Responses', '/v1/responses', { model: 'gpt-5.4', input: 'q', tools: [{ type: 'function', function: { name: 'f' } }] }, /Invalid 'tools\[0\]'/],
    ['encrypted reasoning asked of a model without reasoning', '/v1/responses', { model: 'gpt-4o', input: 'q', ...stateless }, /^Encrypted content is not supported with this model\.$/],
    ['max_output_tokens below 16', '/v1/responses', { model: 'gpt-5.4', input: 'q', max_output_tokens: 1 }, /Expected a value >= 16/],
    ['function tools with reasoning_effort for gpt-5 on chat', '/v1/chat/completions', { model: 'gpt-5.4', messages: [{ role: 'user', content: 'q' }], tools: [{ type: 'function', function: { name: 'f' } }], reasoning_effort: 'low' }, /^Function tools with reasoning_effort are not supported for gpt-5\.4 in \/v1\/chat\/completions\. Please use \/v1\/responses instead\.$/],
  ])('%s', async (_name, path, body, message) => {
    const res = await send(path, body);
    expect(res.status).toBe(400);
    const err = (await res.json()) as Json;
    expect(err.error.message).toMatch(message);
    expect(err.error.type).toBe('invalid_request_error');
  });

  it('a wrong key is a 401', async () => {
    expect((await send('/v1/responses', { model: 'gpt-5.4', input: 'q' }, 'sk-wrong-key-000000')).status).toBe(401);
  });
});
