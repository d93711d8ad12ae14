/**
 * Clients that use the Responses API by default, through the gateway: the OpenAI Agents SDK (`@openai/agents`,
 * default model → Responses) running an agent with one function tool, and `@ai-sdk/openai`'s default model
 * factory (`openai('model')` → Responses, driven through its model interface); each via a Responses provider (pass-through) and a chat-only one
 * (translated).
 */
import { createOpenAI } from '@ai-sdk/openai';
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEYS, startGateway, type RunningGateway } from './helpers.js';
import { startChatUpstream } from './mocks/chat-upstream.js';
import type { Loopback } from './mocks/loopback.js';
import { startResponsesUpstream } from './mocks/responses-upstream.js';
import { PLAIN_TEXT } from './mocks/scripted-reply.js';

const GATEWAY_KEY = 'gw-test-key-agents-0123';
let responsesUp: Loopback;
let chatUp: Loopback;
let gw: RunningGateway;

beforeAll(async () => {
  [responsesUp, chatUp] = await Promise.all([startResponsesUpstream(), startChatUpstream()]);
  gw = await startGateway({
    OPENAI_API_KEY: KEYS.OPENAI_API_KEY,
    OPENAI_BASE_URL: `${responsesUp.url}/v1`,
    MINI_LLM_API_KEY: GATEWAY_KEY,
    MINI_LLM_PROVIDERS: JSON.stringify({ chatonly: { baseUrl: `${chatUp.url}/v1` } }),
    MINI_LLM_MODELS: JSON.stringify({ local: 'chatonly/qwen3-8b' }),
  });
  // The README's two lines.
  setDefaultOpenAIClient(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 }) as never);
  setTracingDisabled(true);
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([responsesUp?.close(), chatUp?.close()]);
});

const getWeather = tool({
  name: 'get_weather',
  description: 'Get the current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `18°C and sunny in ${city}`,
});

describe.each([
  { via: 'a Responses provider (pass-through)', model: undefined, upstream: () => responsesUp },
  { via: 'a chat-only provider (translated)', model: 'local', upstream: () => chatUp },
])('Agents SDK via $via', ({ model, upstream }) => {
  it('runs an agent with one function tool to its final answer', async () => {
    const before = upstream().requests.length;
    const agent = new Agent({ name: 'Weather', instructions: 'Use the tool.', tools: [getWeather], ...(model ? { model } : {}) });
    const result = await run(agent, 'Weather in Paris?');
    expect(result.finalOutput).toBe('The tool answered: 18°C and sunny in Paris');
    const calls = upstream().requests.slice(before);
    expect(calls).toHaveLength(2);
    expect(calls[0].path).toBe(model ? '/v1/chat/completions' : '/v1/responses');
    if (!model) expect(calls[0].body.model).toMatch(/^gpt-/); // the SDK's default model, through the gpt-* alias
  });

  it('runs it streamed', async () => {
    const agent = new Agent({ name: 'Weather', instructions: 'Use the tool.', tools: [getWeather], ...(model ? { model } : {}) });
    const result = await run(agent, 'Weather in Paris?', { stream: true });
    let text = '';
    for await (const e of result) if (e.type === 'raw_model_stream_event' && e.data.type === 'output_text_delta') text += e.data.delta;
    await result.completed;
    expect(result.finalOutput).toBe('The tool answered: 18°C and sunny in Paris');
    expect(text).toBe('The tool answered: 18°C and sunny in Paris');
  });
});

// `ai` 6 accepts only v2 models while @ai-sdk/openai 4 implements v4 (it pairs with `ai` 7), so generateText
// cannot drive it here: the model's own doGenerate/doStream are called, which is the whole wire exchange.
describe.each(['gpt-4o-mini', 'local'])('@ai-sdk/openai default factory (Responses) with %s', (model) => {
  const lm = () => createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: GATEWAY_KEY })(model) as any;
  const prompt = [{ role: 'user', content: [{ type: 'text', text: 'Capital of France?' }] }];
  it('generates text', async () => {
    const before = (model === 'local' ? chatUp : responsesUp).requests.length;
    const result = await lm().doGenerate({ prompt });
    expect(result.content).toContainEqual(expect.objectContaining({ type: 'text', text: PLAIN_TEXT }));
    expect(result.finishReason.unified ?? result.finishReason).toBe('stop');
    expect((model === 'local' ? chatUp : responsesUp).requests.length).toBe(before + 1);
  });
  it('streams text', async () => {
    const { stream } = await lm().doStream({ prompt });
    const parts: any[] = [];
    for await (const p of stream) parts.push(p);
    expect(parts.filter((p) => p.type === 'error')).toEqual([]);
    expect(parts.filter((p) => p.type === 'text-delta').map((p) => p.delta).join('')).toBe(PLAIN_TEXT);
    const finish = parts.find((p) => p.type === 'finish');
    expect(finish.finishReason.unified ?? finish.finishReason).toBe('stop');
  });
});
