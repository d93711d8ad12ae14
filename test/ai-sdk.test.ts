/** The Vercel AI SDK (`ai` + `@ai-sdk/openai-compatible`) as a caller of the running gateway. */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, spawnGateway, type ChildGateway } from './helpers.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';
import { systemNode } from './runtimes.js';

let mock: MockProvider;
let gw: ChildGateway;
const GATEWAY_KEY = 'gw-ai-sdk-key';

beforeAll(async () => {
  mock = await startMockProvider();
  gw = await spawnGateway(systemNode(), ['--import', 'tsx', 'src/index.ts'], { ...mock.env, ...KEYS, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' });
});
afterAll(async () => {
  await gw?.stop();
  await mock?.close();
});

const gateway = () => createOpenAICompatible({ name: 'mini-llm', baseURL: `${gw.url}/v1`, apiKey: GATEWAY_KEY, includeUsage: true });

describe.each(['gpt-4o', 'claude-sonnet', 'llama-70b-alt'])('AI SDK with %s', (model) => {
  it('generateText', async () => {
    const { text, finishReason, usage } = await generateText({ model: gateway()(model), prompt: 'Capital of France?', maxRetries: 0 });
    expect(text).toBe('The capital of France is Paris.');
    expect(finishReason).toBe('stop');
    expect(usage.inputTokens).toBeGreaterThan(0);
  });

  it('streamText', async () => {
    const result = streamText({ model: gateway()(model), prompt: 'Capital of France?', maxRetries: 0 });
    const parts: string[] = [];
    for await (const delta of result.textStream) parts.push(delta);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe('The capital of France is Paris.');
    expect(await result.finishReason).toBe('stop');
  });
});

it('AI SDK surfaces a gateway error', async () => {
  await expect(generateText({ model: gateway()('no-such-model'), prompt: 'x', maxRetries: 0 })).rejects.toThrow(/neither an alias/);
});
