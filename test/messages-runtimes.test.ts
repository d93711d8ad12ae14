/**
 * `/v1/messages` on Bun (the real binary) and workerd (wrangler dev) with the real `@anthropic-ai/sdk`: text and
 * streamed answers, pass-through (Anthropic-kind upstream) and translated (OpenAI-compatible upstream), and the
 * count_tokens estimate. Node runs the same paths in-process (test/messages-sdk.test.ts).
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { sharedServer } from './helpers.js';
import { startMessagesUpstream } from './mocks/messages-upstream.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';

const GATEWAY_KEY = 'gw-runtime-messages-0123456789';

const mock = sharedServer(startMessagesUpstream);

describe.each(RUNTIMES.filter((r) => r.name !== 'node'))('on $name', (runtime) => {
  const on = gatewayOn(
    runtime,
    () => ({ ...mock().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }),
    (url) => new Anthropic({ baseURL: url, apiKey: GATEWAY_KEY, maxRetries: 0 }),
    90_000,
  );

  it.each([
    ['pass-through', 'claude-sonnet-4-6', 'anthropic'],
    ['translated', 'gpt-4o-mini', 'openai'],
  ])('%s: messages.create and messages.stream()', async (_route, model, kind) => {
    mock().reply = () => ({ text: `Hello via ${kind}.` });
    const msg = await on.client.messages.create({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content).toEqual([{ type: 'text', text: `Hello via ${kind}.` }]);
    expect(mock().requests.at(-1)!.kind).toBe(kind);
    let text = '';
    const stream = on.client.messages.stream({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] });
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe(`Hello via ${kind}.`);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('count_tokens: a local estimate for an OpenAI-compatible model, in Anthropic error shape without a key', async () => {
    const res = await on.client.messages.countTokens({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How many tokens is this?' }] });
    expect(res.input_tokens).toBeGreaterThan(0);
    const denied = await fetch(`${on.url}/v1/messages/count_tokens?beta=true`, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});
