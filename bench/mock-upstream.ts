/**
 * A minimal, fast loopback mock provider for the bench (run as its own process).
 *
 *   POST …/chat/completions   OpenAI: tiny JSON; with "stream":true, SSE of N chunks M ms apart
 *   POST …/v1/messages        Anthropic: tiny Messages JSON; with "stream":true, Anthropic SSE of N text deltas M ms apart
 *   POST …/embeddings         OpenAI: one embedding of D float32 values (model name `…emb-D…`, default 8)
 *   POST …/responses          OpenAI Responses: a small Response JSON; with "stream":true, its SSE (lib/responses.ts)
 *   POST …/models/M:generateContent, …:streamGenerateContent?alt=sse   Google's Gemini API (lib/gemini-shapes.ts)
 *
 * The stream shape comes from the model name: `…sse-N-M…` (default 20 chunks, 50 ms). OpenAI chunk i carries the
 * content `c{i} `, so a client can check that a stream arrived complete and in order.
 * Prints `mock listening on http://127.0.0.1:PORT` once it accepts connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { geminiEvents, geminiObject } from './lib/gemini-shapes.js';
import { responsesEvents, responsesObject } from './lib/responses-shapes.js';

const JSON_BODY = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1,
    model: 'bench',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  }),
);
const ANTHROPIC_JSON = Buffer.from(
  JSON.stringify({
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    model: 'bench',
    content: [{ type: 'text', text: 'ok' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: 1 },
  }),
);
const RESPONSES_JSON = Buffer.from(JSON.stringify(responsesObject('completed', [{ type: 'message', id: 'msg_bench', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'ok', annotations: [], logprobs: [] }] }])));
const RESPONSES_JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(RESPONSES_JSON.length), 'x-request-id': 'req_mock' };
const GEMINI_JSON = Buffer.from(JSON.stringify(geminiObject()));
const GEMINI_JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(GEMINI_JSON.length) };
const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(JSON_BODY.length), 'x-request-id': 'req_mock' };
const ANTHROPIC_JSON_HEADERS = { 'content-type': 'application/json', 'content-length': String(ANTHROPIC_JSON.length), 'request-id': 'req_mock' };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req_mock' };

export const openAIChunk = (i: number) =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench","choices":[{"index":0,"delta":{"content":"c${i} "},"finish_reason":null}]}\n\n`;

export function anthropicEvents(n: number): string[] {
  const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const out = [
    ev('message_start', { type: 'message_start', message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'bench', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } } }),
    ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (let i = 0; i < n; i++) out.push(ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `c${i} ` } }));
  out.push(
    ev('content_block_stop', { type: 'content_block_stop', index: 0 }),
    ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: n } }),
    ev('message_stop', { type: 'message_stop' }),
  );
  return out;
}

const SHAPE = /sse-(\d+)-(\d+)/;

/** OpenAI's embeddings answer (its layout: indented by 2) with one vector of `dims` values, built once per size. */
const embeddingsBodies = new Map<number, Buffer>();
function embeddingsBody(dims: number): Buffer {
  let b = embeddingsBodies.get(dims);
  if (!b) {
    const embedding = Array.from({ length: dims }, (_, i) => Number((Math.sin(i + 1) / Math.sqrt(dims)).toPrecision(8)));
    b = Buffer.from(`${JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding }], model: 'bench', usage: { prompt_tokens: 1, total_tokens: 1 } }, null, 2)}\n`);
    embeddingsBodies.set(dims, b);
  }
  return b;
}

/** `head` and content[0] at once, then content[i] every `delay` ms; `tail` goes out with the last one. */
function stream(res: ServerResponse, head: string, content: string[], tail: string, delay: number) {
  res.writeHead(200, SSE_HEADERS);
  if (delay <= 0 || content.length <= 1) return void res.end(head + content.join('') + tail);
  res.write(head + content[0]);
  let i = 1;
  const tick = () => {
    if (res.destroyed) return;
    if (i === content.length - 1) return void res.end(content[i] + tail);
    res.write(content[i++]);
    setTimeout(tick, delay);
  };
  setTimeout(tick, delay);
}

function handle(req: IncomingMessage, res: ServerResponse, body: string) {
  const url = req.url ?? '/';
  const isStream = body.includes('"stream":true');
  const m = SHAPE.exec(body);
  const n = m ? Number(m[1]) : 20;
  const delay = m ? Number(m[2]) : 50;
  if (url.endsWith('/chat/completions')) {
    if (!isStream) return void res.writeHead(200, JSON_HEADERS).end(JSON_BODY);
    const content: string[] = [];
    for (let i = 0; i < n; i++) content.push(openAIChunk(i));
    return stream(res, '', content, 'data: [DONE]\n\n', delay);
  }
  if (url.endsWith('/embeddings')) {
    const answer = embeddingsBody(Number(/emb-(\d+)/.exec(body)?.[1] ?? 8));
    return void res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length), 'x-request-id': 'req_mock' }).end(answer);
  }
  if (url.endsWith('/v1/messages')) {
    if (!isStream) return void res.writeHead(200, ANTHROPIC_JSON_HEADERS).end(ANTHROPIC_JSON);
    const events = anthropicEvents(n);
    return stream(res, events.slice(0, 2).join(''), events.slice(2, 2 + n), events.slice(2 + n).join(''), delay);
  }
  if (url.endsWith('/responses')) {
    if (!isStream) return void res.writeHead(200, RESPONSES_JSON_HEADERS).end(RESPONSES_JSON);
    const events = responsesEvents(n);
    return stream(res, events.slice(0, 2).join(''), events.slice(2, 2 + n), events.slice(2 + n).join(''), delay);
  }
  if (url.includes(':generateContent')) return void res.writeHead(200, GEMINI_JSON_HEADERS).end(GEMINI_JSON);
  if (url.includes(':streamGenerateContent')) {
    // The model is in the path here, not the body: the stream's shape comes from it.
    const g = SHAPE.exec(url);
    const events = geminiEvents(g ? Number(g[1]) : 20);
    return stream(res, '', events, '', g ? Number(g[2]) : 50);
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"mock: unknown path"}}');
}

export async function startMock(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handle(req, res, body));
  });
  server.keepAliveTimeout = 65_000;
  server.maxHeadersCount = 100;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { url } = await startMock(Number(process.env.PORT ?? 0));
  process.stdout.write(`mock listening on ${url}\n`);
  process.once('SIGTERM', () => process.exit(0));
  process.once('SIGINT', () => process.exit(0));
}
