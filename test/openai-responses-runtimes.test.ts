/**
 * The Responses upstream of translated traffic on real gateway processes (Node, Bun): a streamed `/v1/messages`
 * tool turn with thinking to gpt-5.4, then its streamed second turn through chat with the reasoning state sent
 * back, against the strict OpenAI mock. test/openai-responses-e2e.test.ts covers the rest in-process.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { addChatDelta } from './chat-client.js';
import { sharedServer } from './helpers.js';
import { startOpenAIUpstream } from './mocks/openai-upstream.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-runtime-responses-0123456789';
const mock = sharedServer(startOpenAIUpstream);

const WEATHER = { name: 'get_weather', description: 'The weather in a city.', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

/** A streamed chat answer assembled as a client does. */
async function chatStream(url: string, body: Json): Promise<Json> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` }, body: JSON.stringify({ ...body, stream: true }) });
  expect(res.status).toBe(200);
  const m: Json = { role: 'assistant', content: '', reasoning_details: [], tool_calls: [] };
  const text = await res.text();
  expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  for (const frame of text.split('\n\n')) {
    if (!frame.startsWith('data: {')) continue;
    addChatDelta(m, JSON.parse(frame.slice(6)).choices[0]?.delta ?? {});
  }
  return m;
}

describe.each(RUNTIMES.filter((r) => r.name !== 'workerd'))('on $name', (runtime) => {
  const on = gatewayOn(
    runtime,
    () => ({
      ...mock().env,
      MINI_LLM_API_KEY: GATEWAY_KEY,
      MINI_LLM_LOG: 'silent',
      MINI_LLM_PROVIDERS: JSON.stringify({ openai: { chatViaResponses: true } }),
    }),
    (url) => new Anthropic({ baseURL: url, apiKey: GATEWAY_KEY, maxRetries: 0 }),
    60_000,
  );

  it('streamed: /v1/messages tool turn with thinking, then chat sends the reasoning state back', async () => {
    mock().toolTurns = 1; // one tool call, then the answer
    const before = mock().requests.length;
    const stream = on.client.messages.stream({ model: 'gpt-5.4', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, tools: [WEATHER], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    let thinking = '';
    stream.on('thinking', (t) => (thinking += t));
    const msg = await stream.finalMessage();
    expect(thinking).toBe('Turn 1: I should call get_weather.');
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });

    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER.input_schema } }];
    const q = { role: 'user', content: 'Weather in Paris?' };
    const first = await chatStream(on.url, { model: 'gpt-5.4', messages: [q], tools, reasoning_effort: 'low' });
    const issued = mock().issued.at(-1)!;
    expect(first.reasoning_details).toEqual([{ type: 'reasoning.encrypted', id: issued.id, data: issued.encrypted_content, format: 'openai-responses-v1', index: 0 }]);
    const second = await chatStream(on.url, { model: 'gpt-5.4', messages: [q, first, { role: 'tool', tool_call_id: first.tool_calls[0].id, content: 'sunny' }], tools, reasoning_effort: 'low' });
    expect(second.content).toBe('The tool answered: sunny');

    const sent = mock().requests.slice(before);
    expect(sent.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses', '/v1/responses']);
    const input = sent[2].body.input as Json[];
    const at = input.findIndex((i) => i.type === 'reasoning');
    expect(input[at]).toEqual({ type: 'reasoning', id: issued.id, encrypted_content: issued.encrypted_content, summary: [] });
    expect(input[at + 1]).toMatchObject({ type: 'function_call', call_id: first.tool_calls[0].id });
  });
});
