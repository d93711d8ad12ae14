/**
 * The adapters do not redact (no mapper needs to know the secrets): every error and translated stream is
 * redacted where it leaves the gateway (src/app.ts, src/relay.ts). A provider's own key in a 200 whose body is an
 * error (Gemini), or in a failed Responses answer, whole or streamed, never reaches the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startLoopback, type Loopback } from './mocks/loopback.js';

const GEMINI_KEY = 'AIza-adapter-redaction-0123';
const OPENAI_KEY = 'sk-adapter-redaction-0123456';

let upstream: Loopback;
beforeAll(async () => {
  upstream = await startLoopback((rec, res) => {
    if (rec.path.startsWith('/v1beta/')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 429, message: `quota for key ${GEMINI_KEY} exceeded`, status: 'RESOURCE_EXHAUSTED' } }));
      return;
    }
    const error = { code: 'server_error', message: `upstream saw key ${OPENAI_KEY}` };
    if (rec.body?.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`event: response.created\ndata: ${JSON.stringify({ type: 'response.created', response: { id: 'resp_1', model: 'm', created_at: 1 } })}\n\nevent: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', response: { id: 'resp_1', status: 'failed', error } })}\n\n`);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'resp_1', object: 'response', status: 'failed', output: [], error }));
    }
  });
});
afterAll(async () => {
  await upstream?.close();
});

const app = () =>
  createApp(
    loadConfig({
      GEMINI_BASE_URL: upstream.url,
      GEMINI_API_KEY: GEMINI_KEY,
      MINI_LLM_PROVIDERS: JSON.stringify({ resp: { baseUrl: `${upstream.url}/v1`, responses: true, chatViaResponses: true } }),
      RESP_API_KEY: OPENAI_KEY,
      MINI_LLM_LOG: 'silent',
    }),
  );

const chat = (model: string, stream = false) =>
  app().request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }) });

describe('provider keys in errors an adapter maps are redacted by the app', () => {
  it("Gemini: a 200 whose body is Google's error → that error, its status name the code, the key redacted", async () => {
    const res = await chat('gemini/gemini-2.5-flash');
    const text = await res.text();
    expect(res.status).toBe(429);
    expect(JSON.parse(text).error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', message: 'quota for key [redacted] exceeded' });
    expect(text).not.toContain(GEMINI_KEY);
  });

  it('Responses upstream, whole: the failed response as a 502, the key redacted', async () => {
    const res = await chat('resp/m');
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(JSON.parse(text).error.message).toBe('upstream saw key [redacted]');
  });

  it('Responses upstream, streamed: the error frame, the key redacted', async () => {
    const res = await chat('resp/m', true);
    const text = await res.text();
    expect(text).toContain('upstream saw key [redacted]');
    expect(text).not.toContain(OPENAI_KEY);
  });
});
