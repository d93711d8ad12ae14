/**
 * Responses → chat → Anthropic with thinking on, against the strict Anthropic mock (it refuses a tool turn whose
 * thinking block is missing or changed): a stateless Responses client keeps Claude's signed thinking across tool
 * turns through the reasoning item's `encrypted_content`. Each turn goes with another gateway key, so the
 * gateway's own thinking cache (scoped by key) cannot be what supplies the blocks. Structured output via
 * `text.format` reaches Anthropic's output format.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './helpers.js';
import { startStrictAnthropic, type StrictAnthropic } from './mocks/strict-anthropic.js';
import { checkResponsesStream } from './responses-check.js';
import { assertValid } from './schemas/openapi.js';

let mock: StrictAnthropic;
let gw: RunningGateway;
const KEYS = Array.from({ length: 12 }, (_, i) => `gw-key-claude-${i + 1}`);
let nextKey = 0;
const freshKey = () => KEYS[nextKey++];
beforeAll(async () => {
  mock = await startStrictAnthropic();
  gw = await startGateway({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: mock.url, MINI_LLM_API_KEY: KEYS.join(',') });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});

const tools = [{ type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
type Json = Record<string, any>;

async function ask(key: string, body: Json): Promise<Json> {
  const res = await fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const answer = body.stream ? checkResponsesStream(text).at(-1)!.data.response : JSON.parse(text);
  assertValid('Response', answer);
  return answer;
}

describe.each([false, true])('Claude with thinking through /v1/responses (stream: %s)', (stream) => {
  it('keeps signed thinking across three tool turns, each turn with another gateway key', async () => {
    const base = { model: 'claude-sonnet', tools, reasoning: { effort: 'high' }, include: ['reasoning.encrypted_content'], store: false, stream };
    let input: Json[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];
    const answers: Json[] = [];
    for (let turn = 0; turn < 3; turn++) {
      const answer = await ask(freshKey(), { ...base, input });
      answers.push(answer);
      const call = answer.output.find((i: Json) => i.type === 'function_call');
      input = [...input, ...answer.output];
      if (call) input.push({ type: 'function_call_output', call_id: call.call_id, output: '18°C' });
    }
    expect(answers.map((a) => a.output.map((i: Json) => i.type))).toEqual([['reasoning', 'message', 'function_call'], ['reasoning', 'message', 'function_call'], ['reasoning', 'message']]);
    for (const a of answers) expect(a.output[0].encrypted_content).toMatch(/^mlgw\.reasoning\.v1:/);
    const upstream = mock.requests.slice(-3);
    expect(upstream.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(upstream.every((r) => r.body.thinking?.type === 'adaptive')).toBe(true);
    // The last assistant turn Anthropic received starts with the thinking block it signed.
    const assistants = upstream[2].body.messages.filter((m: Json) => m.role === 'assistant');
    expect(assistants).toHaveLength(2);
    for (const m of assistants) expect(m.content[0]).toMatchObject({ type: 'thinking', signature: expect.stringMatching(/^sig_/) });
  });
});

describe('Claude through /v1/responses', () => {
  it('without encrypted_content (and another key), the tool turn goes with thinking off, and it still works', async () => {
    const base = { model: 'claude-sonnet', tools, reasoning: { effort: 'high' }, store: false };
    const input: Json[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await ask(freshKey(), { ...base, input });
    expect(first.output[0]).not.toHaveProperty('encrypted_content');
    const call = first.output.find((i: Json) => i.type === 'function_call');
    const second = await ask(freshKey(), { ...base, input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: '18°C' }] });
    expect(second.status).toBe('completed');
    expect(mock.requests.at(-1)!.body).not.toHaveProperty('thinking');
  });

  it('passes text.format (json_schema) on as Anthropic structured output', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const answer = await ask(freshKey(), { model: 'claude-sonnet', input: 'Largest city in France as JSON', text: { format: { type: 'json_schema', name: 'city', schema, strict: true } } });
    const text = answer.output.find((i: Json) => i.type === 'message').content[0].text;
    expect(JSON.parse(text)).toEqual({ city: expect.any(String) });
    expect(mock.requests.at(-1)!.body.output_config?.format).toMatchObject({ type: 'json_schema', schema });
  });
});
