/**
 * Issue 20, items 1 and 3: long lists in one body. Item 1: a tool-name lookup per `function_call` item or
 * `allowed_tools` entry must not walk every tool (20k × 20k froze the gateway, `/health` included, for 5+ s).
 * Item 3: no list from a client or a provider is spread into a call (`push(...list)` overflows the stack at about
 * 125k items on Node and 650k on Bun: a 500 `internal_error` for a body of a few MB). The mappers first, then
 * real gateway processes on Node and Bun against the validating chat mock.
 */
import { describe, expect, it } from 'vitest';
import { chatToMessage } from '../src/dialects/messages/response.js';
import { messagesToChat } from '../src/dialects/messages/request.js';
import { decodeReasoning, encodeReasoning } from '../src/dialects/reasoning-envelope.js';
import { echoOf } from '../src/dialects/responses/envelope.js';
import { toChatRequest } from '../src/dialects/responses/request.js';
import { createResponsesStreamTranslator } from '../src/dialects/responses/stream.js';
import { decodeThinking } from '../src/dialects/responses/thinking.js';
import { convertMessages } from '../src/providers/anthropic/messages.js';
import { toAnthropicRequest } from '../src/providers/anthropic/request.js';
import { parseSse, sharedServer, thrown } from './helpers.js';
import { startChatUpstream } from './mocks/chat-upstream.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';

type Json = Record<string, any>;

/** The gateway's own envelope for signed thinking blocks (src/dialects/responses/thinking.ts), built here by hand. */
const envelope = (provider: string, blocks: unknown[]) => `mlgw.thinking.v1:${Buffer.from(JSON.stringify({ provider, blocks })).toString('base64')}`;

const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));

/** JSON text nested `depth` deep (as a string inside a body, the body's own depth limit does not see it). */
const deepJson = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
/** An envelope whose text is written by hand: JSON.stringify itself cannot serialize `deepJson`. */
const deepEnvelope = (provider: string, depth: number) => `mlgw.thinking.v1:${Buffer.from(`{"provider":"${provider}","blocks":[${deepJson(depth)}]}`).toString('base64')}`;
const DEEP = 100_000;

describe('item 3: the mappers take 300k-item lists (no spread into a call)', () => {
  const N = 300_000;

  it.each<{ row: string; run: () => number }>([
    {
      row: 'messages → chat: tool_result blocks in one user turn',
      run: () => (messagesToChat({ messages: [{ role: 'user', content: many(N, (i) => ({ type: 'tool_result', tool_use_id: `t${i}`, content: 'r' })) }] }, 'm').messages as Json[]).length,
    },
    {
      row: 'messages → chat: images inside tool results (they follow in one user message)',
      run: () => {
        const image = { type: 'image', source: { type: 'url', url: 'https://x/i.png' } };
        const chat = messagesToChat({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: many(N, () => image) }] }] }, 'm');
        return (chat.messages as Json[])[1].content.length;
      },
    },
    {
      row: 'chat answer → Message: thinking_blocks from the provider (in the envelope)',
      run: () => {
        const m = chatToMessage({ choices: [{ message: { thinking_blocks: many(N, () => ({ type: 'redacted_thinking', data: 'd' })) } }] }, 'm', undefined, 'p');
        return decodeReasoning(m.content[0].signature, 'p')!.thinking_blocks!.length;
      },
    },
    {
      row: 'messages → chat: reasoning_details inside one thinking signature',
      run: () => {
        const signature = encodeReasoning({ provider: 'p', reasoning_details: many(N, (i) => ({ type: 'reasoning.text', text: 't', index: i })) });
        const chat = messagesToChat({ messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature }, { type: 'text', text: 'a' }] }] }, 'm', { provider: 'p' });
        return (chat.messages as Json[])[0].reasoning_details.length;
      },
    },
    {
      row: 'responses → chat: instructions as items',
      run: () => (toChatRequest({ model: 'm', instructions: many(N, () => ({ role: 'system', content: 's' })) }).chat.messages as Json[]).length,
    },
    {
      row: 'responses → chat: a tool output of image parts',
      run: () => {
        const output = many(N, () => ({ type: 'input_image', image_url: 'https://x/i.png' }));
        const { chat } = toChatRequest({ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output }] });
        return (chat.messages as Json[]).at(-1)!.content.length;
      },
    },
    {
      row: 'responses → chat: thinking blocks inside one encrypted_content',
      run: () => {
        const input = [{ type: 'reasoning', summary: [], encrypted_content: envelope('p', many(N, () => ({}))) }, { role: 'assistant', content: 'a' }];
        return (toChatRequest({ model: 'm', input }, 'p').chat.messages as Json[])[0].thinking_blocks.length;
      },
    },
    {
      row: 'chat → Anthropic: system text parts',
      run: () => convertMessages([{ role: 'system', content: many(N, (i) => ({ type: 'text', text: `s${i}` })) }]).system.length,
    },
    {
      row: 'chat → Anthropic: a user turn joining the open tool-result turn',
      run: () => {
        const calls = [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }];
        const user = { role: 'user', content: many(N, () => ({ type: 'text', text: 'u' })) };
        return (convertMessages([{ role: 'assistant', content: null, tool_calls: calls }, { role: 'tool', tool_call_id: 'c', content: 'r' }, user]).messages[1].content as unknown[]).length;
      },
    },
  ])('$row', ({ run }) => {
    expect(run()).toBeGreaterThanOrEqual(N);
  });

  it('chat stream → Responses stream: thinking blocks in one delta', () => {
    const t = createResponsesStreamTranslator({ echo: echoOf({ model: 'm' }), origins: new Map(), id: 'resp_1', encrypted: true, provider: 'p', maxState: 2 ** 31 }); // the stream-state bound is not what this checks
    const chunk = (delta: Json, finish: string | null = null) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    const out = t.event('', chunk({ thinking_blocks: many(N, () => ({})) })) + t.event('', chunk({ content: 'x' }, 'stop')) + t.event('', '[DONE]');
    const done = parseSse(out).events.find((e) => e.data.type === 'response.completed')!.data.response;
    expect(decodeReasoning(done.output[0].encrypted_content, 'p')!.thinking_blocks).toHaveLength(N);
  });
});

describe('item 3: JSON nested deep inside a string never overflows the stack when it is sent on', () => {
  it('tool call arguments for an Anthropic model: a 400 naming them', () => {
    const messages = [{ role: 'user', content: 'go' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: deepJson(DEEP) } }] }];
    const err = thrown(() => toAnthropicRequest({ model: 'm', messages }, 'claude-sonnet-4-6'));
    expect([err.status, err.code, err.param]).toEqual([400, 'invalid_tool_arguments', 'messages[1].tool_calls[0].function.arguments']);
  });

  it('an encrypted_content that nests deeper than any the gateway writes is not its own: dropped', () => {
    expect(decodeThinking(deepEnvelope('p', DEEP), 'p')).toBeUndefined();
    expect(decodeThinking(deepEnvelope('p', 3), 'p')).toEqual([{ a: [[[]]] }]);
  });
});

/** Run `request` while polling `/health` one request after another; the slowest `/health` answer, in ms. */
async function healthDuring<T>(url: string, request: () => Promise<T>): Promise<{ result: T; worstMs: number; polls: number }> {
  let done = false;
  let worstMs = 0;
  let polls = 0;
  const poll = (async () => {
    while (!done) {
      const t0 = performance.now();
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      worstMs = Math.max(worstMs, performance.now() - t0);
      polls++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  try {
    return { result: await request(), worstMs, polls };
  } finally {
    done = true;
    await poll;
  }
}

const postJson = async (url: string, path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
};

/**
 * Items above the stack limit of each runtime's `push(...list)` (Node 20: about 125k; Bun 1.4: about 650k), so
 * that every test below fails on a spread.
 */
const LONG = { node: 200_000, bun: 800_000 } as const;
const TOOLS = 20_000;
/**
 * The longest `/health` may wait while the request is handled: the whole request (parsing, mapping and
 * serializing a 2 MB body, the mock's own work in this process) stays well under it. Measured on a loaded 2-core
 * machine, the slowest `/health`: before the fix 3.8–6.6 s, after it 0.1–1 s.
 */
const FREEZE_MS = 2000;

describe.each(RUNTIMES.filter((r) => r.name !== 'workerd'))('on $name', (runtime) => {
  const chat = sharedServer(startChatUpstream);
  const gw = gatewayOn(
    runtime,
    () => ({
      MINI_LLM_PROVIDERS: JSON.stringify({ chatonly: { baseUrl: `${chat().url}/v1` } }),
      // Refused before any call (the nesting tests): never reached.
      ANTHROPIC_API_KEY: 'sk-ant-test-0123456789',
      ANTHROPIC_BASE_URL: chat().url,
      MINI_LLM_LOG: 'silent',
      MINI_LLM_MAX_BODY_BYTES: String(64 * 1024 * 1024),
    }),
    (url) => url,
    30_000,
  );
  const upstream = () => chat().requests.at(-1)!.body as Json;
  const n = LONG[runtime.name as 'node' | 'bun'];

  describe('item 1: a 2 MB body never stops the gateway (one tool lookup per item costs O(1))', () => {
    // Namespaced tools (as Codex sends MCP tools): a call named without its namespace, or an allowed_tools entry,
    // is looked up by the client's name.
    const tools = [{ type: 'namespace', name: 'mcp', description: 'MCP tools', tools: many(TOOLS, (i) => ({ type: 'function', name: `f${i}` })) }];

    it(`${TOOLS / 1000}k tools and ${TOOLS / 1000}k function_call items: 200, and /health answers at once throughout`, async () => {
      const input = [{ role: 'user', content: 'go' }, ...many(TOOLS, (i) => ({ type: 'function_call', call_id: `c${i}`, name: `f${TOOLS - 1 - i}`, arguments: '{}' }))];
      const body = JSON.stringify({ model: 'chatonly/m', tools, input }); // 2.2 MB
      const { result, worstMs, polls } = await healthDuring(gw.url, () => postJson(gw.url, '/v1/responses', body));
      expect(result.status, result.text.slice(0, 300)).toBe(200);
      const calls = upstream().messages[1].tool_calls;
      expect(calls).toHaveLength(TOOLS);
      expect(calls[0].function.name).toBe(`mcp__f${TOOLS - 1}`); // found by the client's name, as before
      expect(polls).toBeGreaterThan(0);
      expect(worstMs).toBeLessThan(FREEZE_MS);
    }, 30_000);

    it(`${TOOLS / 1000}k tools and a ${TOOLS / 1000}k-entry allowed_tools list: 200, and /health answers at once throughout`, async () => {
      const allowed = many(TOOLS / 2, (i) => ({ type: 'function', name: `f${TOOLS - 1 - 2 * i}` }));
      const tool_choice = { type: 'allowed_tools', mode: 'auto', tools: [...allowed, ...allowed] };
      const body = JSON.stringify({ model: 'chatonly/m', tools, tool_choice, input: 'go' }); // 1.4 MB
      const { result, worstMs, polls } = await healthDuring(gw.url, () => postJson(gw.url, '/v1/responses', body));
      expect(result.status, result.text.slice(0, 300)).toBe(200);
      expect(upstream().tools).toHaveLength(TOOLS / 2); // only the allowed ones are offered
      expect(upstream().tool_choice).toBe('auto');
      expect(polls).toBeGreaterThan(0);
      expect(worstMs).toBeLessThan(FREEZE_MS);
    }, 30_000);
  });

  describe(`item 3: ${n / 1000}k-item lists are never a 500, and reach the provider whole`, () => {
    it('/v1/messages: tool_result blocks in one user turn', async () => {
      const results = many(n, () => ({ type: 'tool_result', tool_use_id: 'c' }));
      const messages = [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }] },
        { role: 'user', content: results },
      ];
      const res = await postJson(gw.url, '/v1/messages', { model: 'chatonly/m', max_tokens: 10, messages });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(upstream().messages.filter((m: Json) => m.role === 'tool')).toHaveLength(n);
    }, 60_000);

    it('/v1/responses: instructions as items', async () => {
      const res = await postJson(gw.url, '/v1/responses', { model: 'chatonly/m', instructions: many(n, () => ({ role: 'system', content: 's' })), input: 'go' });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(upstream().messages).toHaveLength(n + 1);
    }, 60_000);

    it('/v1/responses: a tool output made of image parts', async () => {
      const output = many(n, () => ({ type: 'input_image', image_url: 'x' }));
      const input = [{ role: 'user', content: 'go' }, { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output }];
      const res = await postJson(gw.url, '/v1/responses', { model: 'chatonly/m', input });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(upstream().messages.at(-1).content).toHaveLength(n); // the images follow the tool message as one user message
    }, 60_000);

    it('/v1/responses: thinking blocks inside one encrypted_content', async () => {
      const input = [
        { role: 'user', content: 'go' },
        { type: 'reasoning', summary: [], encrypted_content: envelope('chatonly', many(n, () => ({}))) },
        { role: 'assistant', content: 'a' },
        { role: 'user', content: 'again' },
      ];
      const res = await postJson(gw.url, '/v1/responses', { model: 'chatonly/m', input });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(upstream().messages[1].thinking_blocks).toHaveLength(n);
    }, 60_000);
  });

  describe('item 3: JSON nested 100k deep inside a string is never a 500', () => {
    it('/v1/chat/completions → Anthropic: tool call arguments get a 400 naming them', async () => {
      const messages = [{ role: 'user', content: 'go' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: deepJson(DEEP) } }] }, { role: 'tool', tool_call_id: 'c', content: 'r' }];
      const res = await postJson(gw.url, '/v1/chat/completions', { model: 'anthropic/claude-sonnet-4-6', messages });
      expect(res.status, res.text.slice(0, 300)).toBe(400);
      expect(JSON.parse(res.text).error).toMatchObject({ code: 'invalid_tool_arguments', param: 'messages[1].tool_calls[0].function.arguments' });
    });

    it('/v1/responses → Anthropic: a function_call item\'s arguments, the same', async () => {
      const input = [{ role: 'user', content: 'go' }, { type: 'function_call', call_id: 'c', name: 'f', arguments: deepJson(DEEP) }, { type: 'function_call_output', call_id: 'c', output: 'r' }];
      const res = await postJson(gw.url, '/v1/responses', { model: 'anthropic/claude-sonnet-4-6', input });
      expect(res.status, res.text.slice(0, 300)).toBe(400);
      expect(JSON.parse(res.text).error.code).toBe('invalid_tool_arguments');
    });

    it('/v1/responses: such an encrypted_content is dropped, and the request served', async () => {
      const input = [{ role: 'user', content: 'go' }, { type: 'reasoning', summary: [], encrypted_content: deepEnvelope('chatonly', DEEP) }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'again' }];
      const res = await postJson(gw.url, '/v1/responses', { model: 'chatonly/m', input });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(upstream().messages[1]).toEqual({ role: 'assistant', content: 'a' });
    });
  });
});
