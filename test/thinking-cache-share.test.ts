/**
 * Issue 20, item 9: one gateway key cannot evict another's signed thinking blocks. Real gateway processes (Node
 * and Bun) with two gateway keys, against the strict Anthropic mock: key B makes a tool call with thinking on;
 * key A then makes 2,100 tool calls (more than the whole cache holds, 2,000); B goes on with a client that drops
 * the blocks (LangChain-like), so only the gateway's cache can put them back. Before the fix, A's churn had pushed
 * B's blocks out, and B's next turn went upstream with thinking off.
 */
import { describe, expect, it } from 'vitest';
import { sharedServer } from './helpers.js';
import { startStrictAnthropic } from './mocks/strict-anthropic.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';

type Json = Record<string, any>;

const KEY_A = 'gw-key-churning-tenant';
const KEY_B = 'gw-key-quiet-tenant';
const TURNS_A = 2100;
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

describe.each(RUNTIMES.filter((r) => r.name !== 'workerd'))('on $name', (runtime) => {
  const mock = sharedServer(startStrictAnthropic);
  const gw = gatewayOn(runtime, () => ({ ANTHROPIC_API_KEY: 'sk-ant-test-0123456789', ANTHROPIC_BASE_URL: mock().url, MINI_LLM_API_KEY: `${KEY_A},${KEY_B}`, MINI_LLM_LOG: 'silent' }), (url) => url, 30_000);

  const ask = async (key: string, messages: Json[]): Promise<Json> => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'claude-sonnet', messages, tools, reasoning_effort: 'high' }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return JSON.parse(text).choices[0].message;
  };

  it(`item 9: ${TURNS_A} tool turns under one key leave another key's signed blocks in the cache`, async () => {
    const question = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await ask(KEY_B, question);
    expect(first.tool_calls).toHaveLength(1);
    expect(first.thinking_blocks).toHaveLength(1);

    let next = 0;
    const worker = async () => {
      while (next < TURNS_A) {
        next++;
        await ask(KEY_A, question);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    // B's client drops everything but the content and the calls: the blocks can come from the cache only.
    const from = mock().requests.length;
    await ask(KEY_B, [...question, { role: 'assistant', content: first.content, tool_calls: first.tool_calls }, { role: 'tool', tool_call_id: first.tool_calls[0].id, content: '18°C' }]);
    const upstream = mock().requests[from];
    expect(upstream.status).toBe(200);
    expect(upstream.body.thinking).toEqual({ type: 'adaptive' });
    expect(upstream.body.messages[1].content[0]).toEqual(first.thinking_blocks[0]);
  }, 60_000);
});
