/**
 * Issue 20, items 5 and 6, on real gateway processes on Node, Bun and workerd (test/mocks/leaky-upstream.ts):
 * - item 5: a 200 whose body is an error becomes that error on every translated route that reaches Anthropic,
 *   never an empty success; Messages pass-through leaves it as it is;
 * - item 6: a client that asked for one JSON document (no `stream: true`) gets one, assembled from the event
 *   stream the provider sent instead, read by the real SDKs' `create()`; bounded by MINI_LLM_MAX_ANSWER_BYTES.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildGateway } from './helpers.js';
import { keyPiece, post } from './leaks.js';
import { GATEWAY_KEYS, leakyEnv, STREAMED, startLeakyUpstream, type LeakyUpstream } from './mocks/leaky-upstream.js';
import { RUNTIMES } from './runtimes.js';
import { assertValid } from './schemas/openapi.js';

const MiB = 1024 * 1024;
const WEATHER = { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const user = [{ role: 'user' as const, content: 'Weather in Paris?' }];

describe.each(RUNTIMES)('on $name', (runtime) => {
  let up: LeakyUpstream;
  let gw: ChildGateway;
  const openai = () => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: GATEWAY_KEYS[1], maxRetries: 0 });
  const anthropic = () => new Anthropic({ baseURL: gw.url, apiKey: GATEWAY_KEYS[1], maxRetries: 0 });
  /** The request the provider received last: the client's `stream` went upstream as it was. */
  const lastUpstream = () => up.requests.at(-1)!;

  beforeAll(async () => {
    up = await startLeakyUpstream();
    gw = await runtime.start({ ...leakyEnv(up.url), MINI_LLM_LOG: 'silent', MINI_LLM_MAX_ANSWER_BYTES: String(1 * MiB) });
  }, 90_000);
  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  describe('item 5: a 200 whose body is an error, from Anthropic', () => {
    it('responses → Anthropic, whole answer: 502 with the error, not a completed response with no output', async () => {
      const res = await post(gw.url, '/v1/responses', { model: 'leaky-claude/error-200', input: 'hi' });
      expect(res.status).toBe(502);
      const body = await res.json();
      expect(body.object).toBeUndefined();
      expect(body.error).toMatchObject({ type: 'upstream_error', message: expect.stringContaining('keys: ') });
      const err = await openai().responses.create({ model: 'leaky-claude/error-200', input: 'hi' }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(502);
    });

    it.each([false, true])('chat → Anthropic (stream %s): 502 with the error, not an empty completion', async (stream) => {
      const res = await post(gw.url, '/v1/chat/completions', { model: 'leaky-claude/error-200', stream, messages: user });
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect((await res.json()).error).toMatchObject({ type: 'upstream_error' });
    });

    it('responses → Anthropic asked to stream: 502 before any event', async () => {
      const res = await post(gw.url, '/v1/responses', { model: 'leaky-claude/error-200', input: 'hi', stream: true });
      expect(res.status).toBe(502);
      expect((await res.json()).error).toMatchObject({ type: 'upstream_error' });
    });

    it('messages pass-through to Anthropic is untouched: the same 200 body, for the Anthropic client to read', async () => {
      const res = await post(gw.url, '/v1/messages', { model: 'leaky-claude/error-200', max_tokens: 16, messages: user });
      expect(res.status).toBe(200);
      expect((await res.json()).type).toBe('error');
    });
  });

  describe('item 6: asked for JSON, answered with an event stream: the whole answer, assembled', () => {
    it('chat → OpenAI-compatible (pass-through): a chat.completion with the text, reasoning, tool call and usage', async () => {
      const res = await post(gw.url, '/v1/chat/completions', { model: 'leaky/stream-anyway', messages: user, tools: [{ type: 'function', function: WEATHER }] });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const chat = await res.json();
      assertValid('CreateChatCompletionResponse', chat);
      expect(lastUpstream().body.stream).toBeUndefined();
      const sdk = await openai().chat.completions.create({ model: 'leaky/stream-anyway', messages: user, tools: [{ type: 'function', function: WEATHER }] });
      for (const answer of [chat, sdk]) {
        const { message, finish_reason } = answer.choices[0];
        expect(message.content).toBe(STREAMED.text);
        expect((message as any).reasoning_content).toBe(STREAMED.reasoning);
        expect(message.tool_calls).toEqual([{ id: STREAMED.tool.id, type: 'function', function: { name: STREAMED.tool.name, arguments: STREAMED.tool.arguments } }]);
        expect(finish_reason).toBe('tool_calls');
        expect(answer.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
      }
    });

    it('chat → Anthropic: a chat.completion with the text, reasoning, signed thinking block and tool call', async () => {
      const chat = await openai().chat.completions.create({ model: 'leaky-claude/stream-anyway', messages: user, tools: [{ type: 'function', function: WEATHER }] });
      assertValid('CreateChatCompletionResponse', chat);
      expect(lastUpstream().body.stream).toBeUndefined();
      const { message, finish_reason } = chat.choices[0];
      expect(message.content).toBe(STREAMED.text);
      expect((message as any).reasoning_content).toBe(STREAMED.reasoning);
      expect((message as any).thinking_blocks).toEqual([{ type: 'thinking', thinking: STREAMED.reasoning, signature: STREAMED.thinkingSignature }]);
      expect(message.tool_calls?.[0]).toMatchObject({ id: 'toolu_leaky_1', function: { name: 'get_weather', arguments: STREAMED.tool.arguments } });
      expect(finish_reason).toBe('tool_calls');
      expect(chat.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
    });

    it('messages → OpenAI-compatible: a Message (thinking, text, tool_use) read by the Anthropic SDK', async () => {
      const msg = await anthropic().messages.create({ model: 'leaky/stream-anyway', max_tokens: 64, messages: user, tools: [{ name: WEATHER.name, description: WEATHER.description, input_schema: WEATHER.parameters as any }] });
      expect(lastUpstream().body.stream).toBeUndefined();
      expect(msg.type).toBe('message');
      expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
      expect(msg.content[1]).toMatchObject({ type: 'text', text: STREAMED.text });
      expect(msg.content[2]).toMatchObject({ type: 'tool_use', id: STREAMED.tool.id, name: 'get_weather', input: { city: 'Paris' } });
      expect(msg.stop_reason).toBe('tool_use');
      expect(msg.usage).toMatchObject({ input_tokens: 11, output_tokens: 7 });
    });

    it.each(['leaky', 'leaky-claude'])('responses → %s: a valid Response (reasoning, message, function_call) read by the openai SDK', async (provider) => {
      const res = await openai().responses.create({ model: `${provider}/stream-anyway`, input: 'Weather in Paris?', tools: [{ type: 'function', ...WEATHER, strict: false }] });
      assertValid('Response', res);
      expect(lastUpstream().body.stream).toBeUndefined();
      expect(res.status).toBe('completed');
      expect(res.output.map((i) => i.type)).toEqual(['reasoning', 'message', 'function_call']);
      expect(res.output_text).toBe(STREAMED.text);
      expect(res.output[2]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: STREAMED.tool.arguments });
      expect(res.usage).toMatchObject({ input_tokens: 11, output_tokens: 7 });
    });

    it.each([
      ['/v1/chat/completions', { messages: user }],
      ['/v1/messages', { max_tokens: 16, messages: user }],
      ['/v1/responses', { input: 'hi' }],
    ] as const)('%s: a stream over MINI_LLM_MAX_ANSWER_BYTES (1 MiB of 256 MiB) → 502 upstream_answer_too_large, the rest not read', async (path, rest) => {
      const before = up.written();
      const res = await post(gw.url, path, { model: `leaky/stream-huge:${256 * MiB}`, ...rest });
      expect(res.status).toBe(502);
      const text = await res.text();
      expect(text).toContain('MINI_LLM_MAX_ANSWER_BYTES');
      if (path !== '/v1/messages') expect(JSON.parse(text).error).toMatchObject({ type: 'upstream_error', code: 'upstream_answer_too_large' });
      // The upstream wrote little more than the limit and socket buffers hold.
      await new Promise((r) => setTimeout(r, 100));
      expect(up.written() - before).toBeLessThan(32 * MiB);
    });

    it.each([
      ['/v1/chat/completions', { messages: user }],
      ['/v1/messages', { max_tokens: 16, messages: user }],
      ['/v1/responses', { input: 'hi' }],
    ] as const)('%s: an error frame in the stream → an error answer (every key redacted); a stream that dies → 502', async (path, rest) => {
      const failed = await post(gw.url, path, { model: 'leaky/stream-error', ...rest });
      expect(failed.status).toBe(502);
      const text = await failed.text();
      expect(text).toContain('keys: [redacted]');
      expect(keyPiece(text)).toBeUndefined();
      const cut = await post(gw.url, path, { model: 'leaky/stream-cut', ...rest });
      expect(cut.status).toBe(502);
      expect(cut.headers.get('content-type')).toContain('application/json');
      expect(await cut.text()).toContain('incomplete or unreadable');
    });

    it('and the opposite on chat → Anthropic: asked for a stream, answered with one JSON document → a chat stream (openai SDK)', async () => {
      const stream = await openai().chat.completions.create({ model: 'leaky-claude/whole', stream: true, messages: user });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(lastUpstream().body.stream).toBe(true);
      expect(text).toBe('hi');
      expect(finish).toBe('stop');
    });

    it('a client that asked for a stream still gets the stream as it came', async () => {
      const res = await post(gw.url, '/v1/chat/completions', { model: 'leaky/stream-anyway', stream: true, messages: user });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expect(await res.text()).toContain('data: [DONE]');
    });
  });
});
