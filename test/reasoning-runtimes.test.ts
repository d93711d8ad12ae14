/**
 * Reasoning state through the translated routes on real gateway processes (issue 18): on Node, Bun and workerd,
 * one streamed three-turn tool loop on `/v1/messages` to Gemini 3 (its thought signature rides in the thinking
 * block's envelope, sent back as received) and one on `/v1/responses` to DeepSeek whose client drops the
 * reasoning items (the per-process reasoning cache puts the state back), against the strict chat mock.
 * test/reasoning-messages.test.ts and test/reasoning-responses.test.ts cover the rest in-process.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { sharedServer } from './helpers.js';
import { startStrictChat, type Flavor } from './mocks/strict-chat.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-reasoning-runtimes-0123456789';
const WEATHER = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };
const weather = (city: unknown) => (city === 'London' ? 'rain, 14°C' : 'sunny, 21°C');

const strict = sharedServer(startStrictChat);

/** The loop's requests to one flavor: accepted, the nth replaying n-1 calls' `field`, unmodified. */
function expectReplayed(flavor: Flavor, since: number, field: string) {
  const recs = strict().requests.slice(since).filter((r) => r.flavor === flavor);
  expect(recs.map((r) => [r.status, r.error])).toEqual([[200, undefined], [200, undefined], [200, undefined]]);
  expect(recs.map((r) => r.replays.filter((p) => p.field === field && p.unmodified).length)).toEqual([0, 1, 2]);
}

describe.each(RUNTIMES)('on $name', (runtime) => {
  const on = gatewayOn(
    runtime,
    () => ({ ...strict().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }),
    (url) => ({ anthropic: new Anthropic({ baseURL: url, apiKey: GATEWAY_KEY, maxRetries: 0 }), openai: new OpenAI({ baseURL: `${url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 }) }),
    90_000,
  );

  it('/v1/messages → Gemini 3, streamed, sent back as received: its thought signature back at each turn', async () => {
    const since = strict().requests.length;
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris and London?' }];
    for (let turn = 1; turn <= 3; turn++) {
      const msg = await on.client.anthropic.messages.stream({ model: 'gemini/gemini-3-pro-preview', max_tokens: 1024, tools: [WEATHER], messages }).finalMessage();
      messages.push({ role: 'assistant', content: msg.content });
      const uses = msg.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      if (turn === 3) expect(uses).toEqual([]);
      else messages.push({ role: 'user', content: uses.map((u) => ({ type: 'tool_result' as const, tool_use_id: u.id, content: weather((u.input as Json).city) })) });
    }
    expectReplayed('gemini', since, 'extra_content');
  }, 30_000);

  it('/v1/responses → DeepSeek, streamed, the reasoning items dropped by the client: the cache puts the state back', async () => {
    const since = strict().requests.length;
    const input: Json[] = [{ role: 'user', content: 'Weather in Paris and London?' }];
    for (let turn = 1; turn <= 3; turn++) {
      const stream = on.client.openai.responses.stream({ model: 'deepseek/deepseek-v4', input: input as OpenAI.Responses.ResponseInput, tools: [{ type: 'function', name: WEATHER.name, parameters: WEATHER.input_schema, strict: false }] });
      const r = await stream.finalResponse();
      for (const item of r.output) if (item.type !== 'reasoning') input.push(item);
      const calls = r.output.filter((o) => o.type === 'function_call');
      if (turn === 3) expect(calls).toEqual([]);
      for (const c of calls) input.push({ type: 'function_call_output', call_id: c.call_id, output: weather(JSON.parse(c.arguments).city) });
    }
    expectReplayed('deepseek', since, 'reasoning_content');
  }, 30_000);
});
