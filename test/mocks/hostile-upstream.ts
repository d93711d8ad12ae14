/**
 * A hostile (or broken) provider on loopback, for test/hostile*.test.ts. One server; the upstream model name
 * picks the behaviour (it answers every path, so it can stand in for an OpenAI-compatible or an Anthropic
 * provider). It records every request, and `elsewhere` is a second origin that records whatever a redirect
 * brings it.
 *
 *   echo-key-error        400 whose error message, type, code and param, and whose retry-after, x-ratelimit-*
 *                         and x-request-id headers, all echo the key it received
 *   echo-key-ok           200 chat answer whose x-request-id and x-ratelimit-* headers echo the key
 *   echo-key-stream       Anthropic 200 stream: message_start, then an `error` event echoing the key
 *   echo-key-chat-stream  chat 200 stream: one content chunk, then a `data: {"error":...}` frame echoing the key
 *   echo-headers          200 JSON: the request headers it received
 *   redirect:CODE         CODE with `location` on the other origin
 *   raw-status:CODE       a raw HTTP/1.1 answer with status CODE (any number, e.g. 600) and a small JSON body
 *   huge-json:BYTES       200 application/json, BYTES of body (sent as fast as the reader takes it)
 *   huge-error:BYTES      500 with BYTES of body
 *   gzip                  200 JSON sent gzip-encoded although identity was asked for (a 64 MiB bomb inflated)
 *   gzip:BYTES            the same with a bomb of BYTES zeros (gzipped once per size: 256 MiB → ~260 KB)
 *   gzip-gzip             200 with `content-encoding: gzip, gzip`
 *   endless-event:BYTES   Anthropic 200 stream: message_start, then BYTES of `data:` lines that never end the event
 *   text-flood:BYTES      chat 200 stream: BYTES of text in 16 KiB content deltas, then a whole end (stop, usage, [DONE])
 *   args-flood:BYTES      chat 200 stream: one tool call whose arguments (`{"a":"xxx…`, never closed) run to BYTES,
 *                         then finish_reason tool_calls, usage, [DONE]
 *   thinking-flood:BYTES  Anthropic 200 stream: one thinking block of BYTES in 16 KiB thinking deltas, then its
 *                         signature and a whole end
 * The floods are generated as they are written (one piece repeated), never held.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { listenLoopback, readText } from './loopback.js';

export interface HostileRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  model: string;
}

export interface HostileUpstream {
  url: string;
  /** The other origin a redirect points at. */
  elsewhereUrl: string;
  requests: HostileRequest[];
  elsewhere: HostileRequest[];
  /** Bytes of hostile body written so far, over all requests. */
  written(): number;
  close(): Promise<void>;
}

const CHAT = (id: string) =>
  JSON.stringify({ id, object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const MESSAGE_START = sse('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], usage: { input_tokens: 1, output_tokens: 0 } } });

const bombs = new Map<number, Buffer>();
/** `bytes` zeros gzipped (made once per size); without a size, 64 MiB of JSON-ish text gzipped to ~64 KB. */
function gzipBomb(bytes: number): Buffer {
  let bomb = bombs.get(bytes);
  if (!bomb) {
    bomb = bytes > 0 ? gzipSync(Buffer.alloc(bytes), { level: 9 }) : gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 1 });
    bombs.set(bytes, bomb);
  }
  return bomb;
}

/** Write `total` bytes of `piece` repeated, honouring back-pressure, then `tail`; stop when the reader goes away. */
async function flood(res: ServerResponse, total: number, piece: Buffer, count: (n: number) => void, tail = ''): Promise<void> {
  let sent = 0;
  while (sent < total && !res.destroyed) {
    const chunk = piece.subarray(0, Math.min(piece.length, total - sent));
    sent += chunk.length;
    count(chunk.length);
    if (!res.write(chunk)) await new Promise((r) => { res.once('drain', r); res.once('close', r); });
  }
  if (!res.destroyed) res.end(tail);
}

const chatSse = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-flood', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const CHAT_END = (finish: string) =>
  chatSse({}, finish) + `data: ${JSON.stringify({ id: 'chatcmpl-flood', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}\n\n` + 'data: [DONE]\n\n';
const FLOOD_TEXT = 'x'.repeat(16 * 1024);

/** A stream of `head`, then `bytes` of payload as repeated events (`event` holds FLOOD_TEXT, 4 to a write), then `tail`. */
function floodStream(res: ServerResponse, bytes: number, head: string, event: string, tail: string, count: (n: number) => void): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(head);
  const piece = Buffer.from(event.repeat(4));
  return flood(res, Math.ceil(bytes / (4 * FLOOD_TEXT.length)) * piece.length, piece, count, tail);
}

async function readBody(req: IncomingMessage): Promise<any> {
  const raw = await readText(req);
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

export async function startHostileUpstream(): Promise<HostileUpstream> {
  const requests: HostileRequest[] = [];
  const elsewhere: HostileRequest[] = [];
  let written = 0;
  const count = (n: number) => (written += n);
  let elsewhereUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const model = String(body?.model ?? '');
    requests.push({ path: req.url ?? '/', headers: req.headers, model });
    const key = String(req.headers['x-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer /, '');
    const [scenario, arg = ''] = model.split(':');
    const n = Number(arg);
    switch (scenario) {
      case 'echo-key-error':
        res.writeHead(400, { 'content-type': 'application/json', 'retry-after': key, 'x-ratelimit-limit-requests': key, 'x-request-id': key });
        return res.end(JSON.stringify({ error: { message: `bad key ${key}`, type: `type-${key}`, code: `code-${key}`, param: `param-${key}` } }));
      case 'echo-key-ok':
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req-${key}`, 'x-ratelimit-remaining-tokens': key });
        return res.end(CHAT('chatcmpl-ok'));
      case 'echo-key-stream':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(MESSAGE_START);
        return res.end(sse('error', { type: 'error', error: { type: `overloaded-${key}`, message: `Overloaded; your key is ${key}` } }));
      case 'echo-key-chat-stream':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] })}\n\n`);
        return res.end(`data: ${JSON.stringify({ error: { message: `Overloaded; your key is ${key}`, code: 529 } })}\n\n`);
      case 'echo-headers':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ...JSON.parse(CHAT('chatcmpl-h')), received_headers: req.headers }));
      case 'redirect':
        res.writeHead(n, { location: `${elsewhereUrl}/stolen`, 'content-type': 'application/json' });
        return res.end(CHAT('chatcmpl-redirect'));
      case 'raw-status': {
        const text = CHAT('chatcmpl-raw');
        res.socket!.end(`HTTP/1.1 ${n} Odd\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
        return;
      }
      case 'huge-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return flood(res, n, Buffer.alloc(64 * 1024, 0x20), count);
      case 'huge-error':
        res.writeHead(500, { 'content-type': 'text/plain' });
        return flood(res, n, Buffer.alloc(64 * 1024, 0x61), count);
      case 'gzip':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(gzipBomb(n || 0));
      case 'gzip-gzip':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip, gzip' });
        return res.end(gzipSync(gzipSync(CHAT('chatcmpl-gz'))));
      case 'endless-event':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(MESSAGE_START);
        res.write('event: content_block_delta\n');
        return flood(res, n, Buffer.from(`data: ${'x'.repeat(64 * 1024 - 7)}\n`), count);
      case 'text-flood':
        return floodStream(res, n, chatSse({ role: 'assistant', content: '' }), chatSse({ content: FLOOD_TEXT }), CHAT_END('stop'), count);
      case 'args-flood': {
        const call = (f: object, id?: string) => ({ tool_calls: [{ index: 0, ...(id ? { id, type: 'function' } : {}), function: f }] });
        const head = chatSse({ role: 'assistant', content: null }) + chatSse(call({ name: 'lookup', arguments: '{"a":"' }, 'call_flood'));
        return floodStream(res, n, head, chatSse(call({ arguments: FLOOD_TEXT })), CHAT_END('tool_calls'), count);
      }
      case 'thinking-flood': {
        const head = MESSAGE_START + sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } });
        const piece = sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: FLOOD_TEXT } });
        const tail =
          sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-flood' } }) +
          sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
          sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } }) +
          sse('message_stop', { type: 'message_stop' });
        return floodStream(res, n, head, piece, tail, count);
      }
      default:
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(CHAT('chatcmpl-default'));
    }
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  const other = createServer(async (req, res) => {
    const body = await readBody(req);
    elsewhere.push({ path: req.url ?? '/', headers: req.headers, model: String(body?.model ?? '') });
    res.writeHead(200, { 'content-type': 'application/json' }).end(CHAT('chatcmpl-elsewhere'));
  });
  const [main, elsewhereServer] = await Promise.all([listenLoopback(server), listenLoopback(other)]);
  elsewhereUrl = elsewhereServer.url;
  return {
    url: main.url,
    elsewhereUrl,
    requests,
    elsewhere,
    written: () => written,
    close: async () => {
      await Promise.all([main.close(), elsewhereServer.close()]);
    },
  };
}

/** Gateway env: provider `hostile` (OpenAI-compatible) and `hostile-claude` (Anthropic) on the mock, with keys. */
export const HOSTILE_KEY = 'sk-hostile-secret-0123456789';
export const HOSTILE_CLAUDE_KEY = 'sk-ant-hostile-secret-9876543210';
export const hostileEnv = (url: string): Record<string, string> => ({
  MINI_LLM_PROVIDERS: JSON.stringify({
    hostile: { baseUrl: `${url}/v1`, apiKeyEnv: 'HOSTILE_KEY' },
    'hostile-claude': { baseUrl: url, kind: 'anthropic', apiKeyEnv: 'HOSTILE_CLAUDE_KEY' },
  }),
  HOSTILE_KEY,
  HOSTILE_CLAUDE_KEY,
});
