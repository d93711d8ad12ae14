/**
 * Clients that use the Responses API by default, through the gateway: the OpenAI Agents SDK (`@openai/agents`,
 * default model → Responses) running an agent with one function tool, and `@ai-sdk/openai`'s default model
 * factory (`openai('model')` → Responses) under `ai`'s generateText / streamText, with and without a tool; each
 * via a Responses provider (pass-through) and a chat-only one (translated).
 */
import { createOpenAI } from '@ai-sdk/openai';
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { generateText, stepCountIs, streamText, tool as aiTool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGateway, startResponsesUpstreams, type ResponsesUpstreams, type RunningGateway } from './helpers.js';
import { PLAIN_TEXT } from './mocks/scripted-reply.js';

const GATEWAY_KEY = 'gw-test-key-agents-0123';
let up: ResponsesUpstreams;
let gw: RunningGateway;

beforeAll(async () => {
  up = await startResponsesUpstreams();
  gw = await startGateway({ ...up.env, MINI_LLM_API_KEY: GATEWAY_KEY });
  // The README's two lines.
  setDefaultOpenAIClient(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 }) as never);
  setTracingDisabled(true);
});
afterAll(async () => {
  await gw?.close();
  await up?.close();
});

const getWeather = tool({
  name: 'get_weather',
  description: 'Get the current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `18°C and sunny in ${city}`,
});

describe.each([
  { via: 'a Responses provider (pass-through)', model: undefined, upstream: () => up.responses },
  { via: 'a chat-only provider (translated)', model: 'local', upstream: () => up.chat },
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

// `@ai-sdk/openai` 3.x is the line that pairs with `ai` 6 (both on @ai-sdk/provider 3): the normal path,
// generateText / streamText on the default factory's model (`openai('model')` → the Responses API).
describe.each([
  { via: 'a Responses provider (pass-through)', model: 'gpt-4o-mini', upstream: () => up.responses, path: '/v1/responses' },
  { via: 'a chat-only provider (translated)', model: 'local', upstream: () => up.chat, path: '/v1/chat/completions' },
])('@ai-sdk/openai default factory via $via', ({ model, upstream, path }) => {
  const openai = () => createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: GATEWAY_KEY });
  /** The gateway's request log since `from`: the client called /v1/responses, the provider got `path`. */
  const expectRoutes = (from: number, count: number) => {
    const calls = upstream().requests.slice(from);
    expect(calls.map((c) => c.path)).toEqual(Array(count).fill(path));
    expect(gw.logs.slice(-count).map((l) => JSON.parse(l).path)).toEqual(Array(count).fill('/v1/responses'));
  };

  it('generateText', async () => {
    const before = upstream().requests.length;
    const { text, finishReason, usage } = await generateText({ model: openai()(model), prompt: 'Capital of France?', maxRetries: 0 });
    expect(text).toBe(PLAIN_TEXT);
    expect(finishReason).toBe('stop');
    expect(usage.inputTokens).toBeGreaterThan(0);
    expectRoutes(before, 1);
  });

  it('streamText', async () => {
    const before = upstream().requests.length;
    const result = streamText({ model: openai()(model), prompt: 'Capital of France?', maxRetries: 0, onError: () => {} });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(PLAIN_TEXT);
    expect(await result.finishReason).toBe('stop');
    expectRoutes(before, 1);
  });

  it('generateText with one tool, to the final answer', async () => {
    const before = upstream().requests.length;
    const weather = aiTool({
      description: 'Get the current weather for a city.',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => `18°C and sunny in ${city}`,
    });
    const result = await generateText({ model: openai()(model), tools: { get_weather: weather }, stopWhen: stepCountIs(2), prompt: 'Weather in Paris?', maxRetries: 0 });
    expect(result.steps[0].toolCalls).toEqual([expect.objectContaining({ toolName: 'get_weather', input: { city: 'Paris' } })]);
    expect(result.text).toBe('The tool answered: 18°C and sunny in Paris');
    expect(result.finishReason).toBe('stop');
    expectRoutes(before, 2);
  });
});
