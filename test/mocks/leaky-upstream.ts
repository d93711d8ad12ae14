/**
 * A provider that leaks keys in pieces and answers in the wrong form, for test/hostile-redaction.test.ts and
 * test/hostile-answers.test.ts (issue 20, items 4–6). One loopback server; it answers `/v1/chat/completions` as an
 * OpenAI-compatible provider and `/v1/messages` as Anthropic, and the upstream model name picks the behaviour:
 *
 *   plain-error:PAD        400 text/plain: PAD × "x", then the key it received, then more text
 *   encoded:PAD            200 with `content-encoding`: PAD × "x" followed by the key (never identity)
 *   key-header-names:CODE  CODE (200 answer, or an error) with `x-ratelimit-<key>`, `anthropic-ratelimit-<key>-tokens`
 *                          and an ordinary `x-ratelimit-remaining-requests: 7`
 *   error-200              200 whose body is an error (chat `{"error":{...}}`, Anthropic `{"type":"error",...}`)
 *                          naming every configured key (LEAKY_KEYS)
 *   stream-anyway          an event stream whatever the request asked: reasoning, text, one tool call, usage
 *   stream-error           an event stream: one text chunk, then an error frame naming every configured key
 *   stream-cut             an event stream: one text chunk, then the connection dies
 *   stream-huge:BYTES      an event stream of BYTES of text deltas (sent as fast as the reader takes them)
 * Every request is recorded (path, headers, body).
 */
import type { ServerResponse } from 'node:http';
import { startLoopback, type Loopback } from './loopback.js';

/** Three provider keys and two gateway keys, mixed case (header names come back lowercased). */
export const PROVIDER_KEYS = ['sk-Alpha-Prov1-SECRET-0123456789', 'sk-ant-Bravo-Prov2-SECRET-9876543210', 'sk-Charlie-Prov3-SECRET-5555555555'] as const;
export const GATEWAY_KEYS = ['gw-Delta-Gate1-SECRET-1111111111', 'gw-Echo-Gate2-SECRET-2222222222'] as const;
export const LEAKY_KEYS: readonly string[] = [...PROVIDER_KEYS, ...GATEWAY_KEYS];

/** Gateway env: `leaky` (OpenAI-compatible), `leaky-claude` (Anthropic) and `leaky-spare` on the mock; two gateway keys. */
export const leakyEnv = (url: string): Record<string, string> => ({
  MINI_LLM_PROVIDERS: JSON.stringify({
    leaky: { baseUrl: `${url}/v1`, apiKeyEnv: 'LEAKY_KEY' },
    'leaky-claude': { baseUrl: url, kind: 'anthropic', apiKeyEnv: 'LEAKY_CLAUDE_KEY' },
    'leaky-spare': { baseUrl: `${url}/v1`, apiKeyEnv: 'LEAKY_SPARE_KEY' },
  }),
  LEAKY_KEY: PROVIDER_KEYS[0],
  LEAKY_CLAUDE_KEY: PROVIDER_KEYS[1],
  LEAKY_SPARE_KEY: PROVIDER_KEYS[2],
  MINI_LLM_API_KEY: GATEWAY_KEYS.join(','),
});

export interface LeakyUpstream extends Loopback {
  /** Bytes of `stream-huge` written so far. */
  written(): number;
}

export const STREAMED = {
  reasoning: 'The user wants the weather.',
  text: 'Let me check the weather in Paris.',
  tool: { id: 'call_leaky_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
  thinkingSignature: 'sig-leaky-0123',
};

const chatChunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-leaky', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'leaky-model', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;

/** The chat stream of `stream-anyway`: reasoning and text in pieces, one tool call in pieces, usage, [DONE]. */
function chatStream(): string[] {
  const { reasoning, text, tool } = STREAMED;
  return [
    chatChunk({ role: 'assistant', content: '' }),
    chatChunk({ reasoning_content: reasoning.slice(0, 9) }),
    chatChunk({ reasoning_content: reasoning.slice(9) }),
    chatChunk({ content: text.slice(0, 10) }),
    chatChunk({ content: text.slice(10) }),
    chatChunk({ tool_calls: [{ index: 0, id: tool.id, type: 'function', function: { name: tool.name, arguments: '' } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: tool.arguments.slice(0, 8) } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: tool.arguments.slice(8) } }] }),
    chatChunk({}, 'tool_calls'),
    `data: ${JSON.stringify({ id: 'chatcmpl-leaky', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'leaky-model', choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } })}\n\n`,
    'data: [DONE]\n\n',
  ];
}

const ev = (type: string, payload: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;

/** The Anthropic stream of `stream-anyway`: a signed thinking block, text, one tool_use, message_stop. */
function anthropicStream(): string[] {
  const { reasoning, text, tool, thinkingSignature } = STREAMED;
  return [
    ev('message_start', { message: { id: 'msg_leaky', type: 'message', role: 'assistant', model: 'claude-leaky', content: [], stop_reason: null, usage: { input_tokens: 11, output_tokens: 0 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: reasoning } }),
    ev('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: thinkingSignature } }),
    ev('content_block_stop', { index: 0 }),
    ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
    ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: text.slice(0, 10) } }),
    ev('content_block_delta', { index: 1, delta: { type: 'text_delta', text: text.slice(10) } }),
    ev('content_block_stop', { index: 1 }),
    ev('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_leaky_1', name: tool.name, input: {} } }),
    ev('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: tool.arguments.slice(0, 8) } }),
    ev('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: tool.arguments.slice(8) } }),
    ev('content_block_stop', { index: 2 }),
    ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 7 } }),
    ev('message_stop', {}),
  ];
}

const CHAT_ANSWER = JSON.stringify({ id: 'chatcmpl-ok', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
const MESSAGE_ANSWER = JSON.stringify({ id: 'msg_ok', type: 'message', role: 'assistant', model: 'claude', content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } });

/** Resolves once `res` drains or closes (listeners removed either way: a long flood adds none). */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

const SSE = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

export async function startLeakyUpstream(): Promise<LeakyUpstream> {
  let written = 0;
  const loop = await startLoopback(async (rec, res: ServerResponse) => {
    const anthropic = rec.path.startsWith('/v1/messages');
    const key = String(rec.headers['x-api-key'] ?? rec.headers.authorization ?? '').replace(/^Bearer /, '');
    const [scenario, arg = ''] = String(rec.body?.model ?? '').split(':');
    const n = Number(arg);
    const everyKey = `keys: ${LEAKY_KEYS.join(' ')}`;
    switch (scenario) {
      case 'plain-error':
        return res.writeHead(400, { 'content-type': 'text/plain' }).end(`${'x'.repeat(n)}${key} is not a valid key, and more text after it.`);
      case 'encoded':
        return res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': `${'x'.repeat(n)}${key}` }).end(anthropic ? MESSAGE_ANSWER : CHAT_ANSWER);
      case 'key-header-names': {
        const status = n || 200;
        res.writeHead(status, { 'content-type': 'application/json', [`x-ratelimit-${key}`]: '1', [`anthropic-ratelimit-${key}-tokens`]: '2', 'x-ratelimit-remaining-requests': '7' });
        if (status === 200) return res.end(anthropic ? MESSAGE_ANSWER : CHAT_ANSWER);
        return res.end(JSON.stringify(anthropic ? { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } } : { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }));
      }
      case 'error-200':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(anthropic ? { type: 'error', error: { type: 'overloaded_error', message: everyKey } } : { error: { message: everyKey, type: 'server_error', code: null } }));
      case 'stream-anyway':
        res.writeHead(200, SSE);
        for (const e of anthropic ? anthropicStream() : chatStream()) res.write(e);
        return res.end();
      case 'stream-error':
        res.writeHead(200, SSE);
        res.write(chatChunk({ role: 'assistant', content: 'Hi' }));
        return res.end(`data: ${JSON.stringify({ error: { message: everyKey, type: 'server_error', code: null } })}\n\n`);
      case 'stream-cut':
        res.writeHead(200, SSE);
        res.write(chatChunk({ role: 'assistant', content: 'Hi' }));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      case 'stream-huge': {
        res.writeHead(200, SSE);
        const piece = Buffer.from(chatChunk({ content: 'y'.repeat(60 * 1024) }).repeat(4));
        for (let sent = 0; sent < n && !res.destroyed; sent += piece.length) {
          written += piece.length;
          if (!res.write(piece)) await drained(res);
        }
        if (!res.destroyed) res.end('data: [DONE]\n\n');
        return;
      }
      default:
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(anthropic ? MESSAGE_ANSWER : CHAT_ANSWER);
    }
  });
  return { ...loop, written: () => written };
}
