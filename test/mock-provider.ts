/**
 * A loopback mock of the providers, replaying the recorded fixtures. One server serves every provider
 * under its own path prefix (`/openai/v1`, `/nebius/v1`, `/deepinfra/v1/openai`, `/anthropic`, `/custom/v1`)
 * and records what it received. The upstream model name picks a scenario:
 *
 *   anything          replay the provider's fixture (JSON, or SSE when `stream: true`)
 *   tool              Anthropic: the tool-use fixture
 *   stream-error      Anthropic: the `error` event after a 200
 *   slow:MS           SSE events MS apart
 *   many:N:MS         N OpenAI content chunks, MS apart
 *   status:CODE[:FIXTURE]  answer CODE with test/fixtures/FIXTURE (or a plain body)
 *   hang              never answer
 *   hang-after:N      send N SSE events, then go silent
 *   die-after:N       send N SSE events, then destroy the connection
 *   die-json          send the start of a JSON answer (announced whole by content-length), then destroy the connection
 *   hang-json         send the start of a JSON answer, then go silent
 *   late:H:G          answer after H ms, then send SSE events (or a JSON answer in 10 pieces) G ms apart
 *   thinking:N:MS     Anthropic: after message_start, N thinking deltas MS apart (no OpenAI output), then the text
 *   echo              answer the received request (headers and body) as JSON
 *   leak              answer 401 with an error message that echoes the received key (as some providers do)
 *
 * `POST …/embeddings` is checked and answered like OpenAI's (mocks/embeddings-upstream.ts): a request OpenAI
 * rejects gets its 400; otherwise the scenarios above apply, with the embeddings answer as the JSON document.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { embeddingsAnswer } from './mocks/embeddings-upstream.js';
import { listenLoopback, readBody, splitEvents } from './mocks/loopback.js';

export const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

export interface RecordedRequest {
  provider: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** The client (the gateway) closed the connection before the answer was complete. */
  closedEarly: boolean;
  closedAt?: number;
}

export interface MockProvider {
  url: string;
  requests: RecordedRequest[];
  /** Base URLs for every provider, as env variables for the gateway. */
  env: Record<string, string>;
  /** Resolves once a request has been recorded as closed early. */
  waitForClose(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const FIXTURES: Record<string, { json: string; sse: string; models: string }> = {
  openai: { json: 'openai-chat.json', sse: 'openai-chat.sse', models: 'openai-models.json' },
  nebius: { json: 'nebius-chat.json', sse: 'openai-chat.sse', models: 'nebius-models.json' },
  deepinfra: { json: 'deepinfra-chat.json', sse: 'deepinfra-chat.sse', models: 'deepinfra-models.json' },
  custom: { json: 'openai-compatible-extras.json', sse: 'openai-chat.sse', models: 'openai-models.json' },
  anthropic: { json: 'anthropic-messages.json', sse: 'anthropic-messages.sse', models: 'anthropic-models.json' },
};

function openAIChunk(i: number) {
  return `data: ${JSON.stringify({ id: 'chatcmpl-many', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: `c${i} ` }, finish_reason: null }] })}\n\n`;
}

export async function startMockProvider(): Promise<MockProvider> {
  const requests: RecordedRequest[] = [];
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((w) => w());

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const provider = (req.url ?? '/').split('/')[1] ?? '';
    const rec: RecordedRequest = { provider, method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body, closedEarly: false };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) {
        rec.closedEarly = true;
        rec.closedAt = Date.now();
        notify();
      }
    });
    const files = FIXTURES[provider];
    if (!files) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"mock: unknown provider path"}}');
      return;
    }
    if (req.method === 'GET' && /\/models$/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(fixture(files.models));
      return;
    }
    const embeddings = req.method === 'POST' && /\/embeddings$/.test(req.url ?? '') ? embeddingsAnswer(body) : undefined;
    if (embeddings && embeddings.status !== 200) {
      res.writeHead(embeddings.status, { 'content-type': 'application/json' }).end(embeddings.text);
      return;
    }
    const json = (name: string) => embeddings?.text ?? fixture(name);
    const model: string = typeof body?.model === 'string' ? body.model : '';
    const [scenario, a, b] = model.split(':');
    const anthropic = provider === 'anthropic';
    const commonHeaders: Record<string, string> = anthropic
      ? { 'request-id': 'req_mock_anthropic', 'anthropic-ratelimit-requests-remaining': '49' }
      : { 'x-request-id': 'req_mock_upstream', 'x-ratelimit-remaining-requests': '99', 'openai-processing-ms': '7', 'set-cookie': 'session=secret', 'x-internal-debug': 'hidden' };

    if (scenario === 'hang') return; // never answer
    if (scenario === 'late') await new Promise((r) => setTimeout(r, Number(a)));
    if (scenario === 'late' && body?.stream !== true) {
      const text = json(files.json);
      res.writeHead(200, { 'content-type': 'application/json', ...commonHeaders });
      const piece = Math.ceil(text.length / 10);
      for (let i = 0; i < text.length; i += piece) {
        if (i > 0) await new Promise((r) => setTimeout(r, Number(b)));
        res.write(text.slice(i, i + piece));
      }
      res.end();
      return;
    }
    if (scenario === 'status') {
      const status = Number(a);
      res.writeHead(status, { 'content-type': b ? 'application/json' : 'text/plain', 'retry-after': '7', ...commonHeaders });
      res.end(b ? fixture(b) : `mock failure ${status}`);
      return;
    }
    if (scenario === 'leak') {
      const key = String(req.headers['x-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.writeHead(401, { 'content-type': 'application/json', ...commonHeaders });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
      return;
    }
    if (scenario === 'echo') {
      res.writeHead(200, { 'content-type': 'application/json', ...commonHeaders });
      res.end(JSON.stringify({ headers: req.headers, body }));
      return;
    }
    if (scenario === 'die-json' || scenario === 'hang-json') {
      const text = json(files.json);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...commonHeaders });
      res.write(text.slice(0, 100));
      if (scenario === 'die-json') setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    if (body?.stream !== true) {
      const file = anthropic && scenario === 'tool' ? 'anthropic-tool-use.json' : files.json;
      const text = json(file);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...commonHeaders });
      res.end(text);
      return;
    }
    let events: string[];
    if (scenario === 'many') events = Array.from({ length: Number(a) }, (_, i) => openAIChunk(i)).concat('data: [DONE]\n\n');
    else if (anthropic && scenario === 'tool') events = splitEvents(fixture('anthropic-tool-use.sse'));
    else if (anthropic && scenario === 'stream-error') events = splitEvents(fixture('anthropic-stream-error.sse'));
    else if (anthropic && scenario === 'thinking') {
      const [start, ...rest] = splitEvents(fixture(files.sse));
      const thinking = Array.from({ length: Number(a) }, () => `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}\n\n`);
      events = [start, ...thinking, ...rest];
    }
    else events = splitEvents(fixture(files.sse));
    const delay = scenario === 'slow' ? Number(a) : scenario === 'many' || scenario === 'late' || scenario === 'thinking' ? Number(b ?? 0) : 0;
    const stopAfter = scenario === 'hang-after' || scenario === 'die-after' ? Number(a) : Infinity;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...commonHeaders });
    res.flushHeaders();
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (i === stopAfter) {
        // Let what was written reach the gateway, then cut the connection mid-body.
        if (scenario === 'die-after') setTimeout(() => res.socket?.destroy(), 50);
        return; // hang-after: silent, connection open
      }
      if (delay > 0 && (i > 0 || scenario === 'late')) await new Promise((r) => setTimeout(r, delay));
      res.write(events[i]);
    }
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.destroy(err);
    });
  });
  const { url, close } = await listenLoopback(server);
  return {
    url,
    requests,
    env: {
      OPENAI_BASE_URL: `${url}/openai/v1`,
      NEBIUS_BASE_URL: `${url}/nebius/v1`,
      DEEPINFRA_BASE_URL: `${url}/deepinfra/v1/openai`,
      ANTHROPIC_BASE_URL: `${url}/anthropic`,
      CUSTOM_PROVIDER_URL: `${url}/custom`,
    },
    waitForClose(index, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`request ${index} was not closed within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          const r = requests[index];
          if (r?.closedEarly) {
            clearTimeout(deadline);
            resolve(r);
          } else waiters.push(check);
        };
        check();
      });
    },
    close,
  };
}
