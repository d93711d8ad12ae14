/**
 * Reliability on Node, in-process against the loopback mock: timeouts, upstream failures mid-stream,
 * body limits, bad input, concurrency. (Client aborts on every runtime: abort.test.ts; logs, keys and
 * shutdown with real child processes: process.test.ts.)
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, post, readEvents, startGateway, type RunningGateway } from './helpers.js';
import { fixture, startMockProvider, type MockProvider } from './mock-provider.js';

let mock: MockProvider;
let gw: RunningGateway;

beforeAll(async () => {
  mock = await startMockProvider();
  gw = await startGateway({ ...mock.env, ...KEYS, MINI_LLM_TIMEOUT_MS: '400', MINI_LLM_MAX_BODY_BYTES: '4096' });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});

const errorFrame = (data: string) => JSON.parse(data).error as { message: string; type: string; code: string | null };

describe('timeouts (MINI_LLM_TIMEOUT_MS=400)', () => {
  it('silence before headers → 504 upstream_timeout, and the upstream request is closed', async () => {
    const index = mock.requests.length;
    const started = Date.now();
    const res = await post(gw.url, { model: 'openai/hang', messages: [] });
    expect(res.status).toBe(504);
    expect((await res.json()).error).toMatchObject({ type: 'upstream_error', code: 'upstream_timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    await mock.waitForClose(index);
  });

  it('silence between chunks → one upstream_timeout error frame, then the end', async () => {
    const index = mock.requests.length;
    const res = await post(gw.url, { model: 'openai/hang-after:2', stream: true, messages: [] });
    expect(res.status).toBe(200);
    const { data } = await readEvents(res);
    expect(data).toHaveLength(3);
    expect(JSON.parse(data[0]).object).toBe('chat.completion.chunk');
    expect(errorFrame(data[2])).toMatchObject({ type: 'upstream_error', code: 'upstream_timeout' });
    await mock.waitForClose(index);
  });

  it('a stream that keeps flowing is never cut, however long it lasts', async () => {
    // 30 chunks 100 ms apart: 3 s in all, 7.5 times the timeout.
    const res = await post(gw.url, { model: 'openai/many:30:100', stream: true, messages: [] });
    const { data } = await readEvents(res);
    expect(data).toHaveLength(31);
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.some((d) => d.includes('"error"'))).toBe(false);
  });

  it('counts silence, not time: headers at 300 ms, then a chunk every 150 ms, is never cut', async () => {
    const res = await post(gw.url, { model: 'openai/late:300:150', stream: true, messages: [] });
    const { data } = await readEvents(res);
    expect(data).toHaveLength(7);
    expect(data.at(-1)).toBe('[DONE]');
  });

  it('counts silence, not time, for a non-streamed answer arriving in pieces over 1.5 s', async () => {
    const res = await post(gw.url, { model: 'openai/late:300:150', messages: [] });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(fixture('openai-chat.json'));
  });

  it('an Anthropic stream that is thinking (events with no OpenAI output) for 2 s is never cut', async () => {
    const res = await post(gw.url, { model: 'anthropic/thinking:20:100', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const { data } = await readEvents(res);
    expect(data.some((d) => d.includes('"error"'))).toBe(false);
    expect(data.at(-1)).toBe('[DONE]');
  });

  it('a translated (Anthropic) stream that goes silent also ends with a timeout frame', async () => {
    const res = await post(gw.url, { model: 'anthropic/hang-after:3', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const { data } = await readEvents(res);
    expect(errorFrame(data.at(-1)!)).toMatchObject({ code: 'upstream_timeout' });
    expect(data).not.toContain('[DONE]');
  });
});

describe('upstream dies mid-stream', () => {
  it.each([
    ['openai/die-after:3', 3],
    ['custom/die-after:1', 1],
    ['anthropic/die-after:4', 2],
  ])('%s → one upstream_disconnected frame after %i events, never a clean end', async (model, before) => {
    const res = await post(gw.url, { model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    const { data } = await readEvents(res);
    expect(data).toHaveLength(before + 1);
    expect(errorFrame(data.at(-1)!)).toMatchObject({ type: 'upstream_error', code: 'upstream_disconnected' });
    expect(data).not.toContain('[DONE]');
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
  });
});

describe('non-streamed answers', () => {
  it.each(['openai/die-json', 'anthropic/die-json'])('%s: an answer that dies midway → 502 upstream_disconnected, never a truncated 200', async (model) => {
    const res = await post(gw.url, { model, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json()).error).toMatchObject({ type: 'upstream_error', code: 'upstream_disconnected' });
  });

  it.each(['openai/hang-json', 'anthropic/hang-json'])('%s: an answer that goes silent midway → 504 upstream_timeout, upstream closed', async (model) => {
    const index = mock.requests.length;
    const res = await post(gw.url, { model, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(504);
    expect((await res.json()).error).toMatchObject({ type: 'upstream_error', code: 'upstream_timeout' });
    await mock.waitForClose(index);
  });
});

describe('body limit (MINI_LLM_MAX_BODY_BYTES=4096)', () => {
  const big = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(5000) }] });

  it('a body over the limit → 413 request_too_large', async () => {
    const res = await post(gw.url, big);
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
  });

  it('a chunked body over the limit → 413', async () => {
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers 413 before the body is read whole (a declared 100 MB body, 10 bytes sent)', async () => {
    const { port, hostname } = new URL(gw.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n{"model":"`);
      });
      let got = '';
      socket.on('data', (d) => {
        got += d;
        if (got.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer; got ${JSON.stringify(got)}`));
      }, 3000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('a body under the limit still works', async () => {
    const res = await post(gw.url, { model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(3000) }] });
    expect(res.status).toBe(200);
  });
});

describe('bad input never produces a 500 or a crash', () => {
  const strings = ['', ' ', '{', '}', '[]', '[{}]', 'null', 'true', '0', '"x"', '{"model":', '{"model":null}', '{"model":[]}', '{"model":{}}', '{"model":true}', '{"model":1e999}', '\u0000', '{"model":"gpt-4o"', 'x'.repeat(3000), '{"model":"' + 'm'.repeat(3000) + '"}'];
  const models = ['', ' ', 'gpt', 'GPT-4O', '/', '//', 'openai', 'custom/', '/gpt-4o', 'nosuch/x', '\u00e9\u00e8', 'a'.repeat(1000), '../etc/passwd', 'gpt-4o\n', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  const cases: Array<{ body: string; expected: number[]; codes: string[] }> = [];
  for (const s of strings) cases.push({ body: s, expected: [400, 413], codes: ['invalid_json', 'missing_model', 'model_not_found', 'request_too_large'] });
  for (const m of models) cases.push({ body: JSON.stringify({ model: m, messages: [] }), expected: [400], codes: ['missing_model', 'model_not_found'] });
  for (const m of ['claude-sonnet', 'anthropic/x']) {
    for (const messages of [null, 'hi', [null], [1], [{ role: 'nope', content: 'x' }], [{ role: 'user', content: [{ type: 'mystery' }] }], [{ role: 'assistant', tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{bad' } }] }]]) {
      cases.push({ body: JSON.stringify({ model: m, messages }), expected: [400], codes: [] });
    }
  }
  const headerSets: Record<string, string>[] = [
    {},
    { 'content-type': 'text/plain' },
    { 'content-type': 'application/x-www-form-urlencoded' },
    { 'x-request-id': 'x'.repeat(500) },
    { authorization: 'Basic Zm9vOmJhcg==' },
    { 'x-api-key': '' },
    { 'content-encoding': 'gzip' },
  ];

  it(`${cases.length * headerSets.length} malformed requests each get their documented 4xx error`, async () => {
    let n = 0;
    for (const headers of headerSets) {
      await Promise.all(
        cases.map(async ({ body, expected, codes }) => {
          const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers, body });
          const json = await res.json();
          expect(expected, `${body.slice(0, 80)} → ${res.status} ${JSON.stringify(json)}`).toContain(res.status);
          expect(json.error.type).toBe(res.status === 413 ? 'invalid_request_error' : 'invalid_request_error');
          if (codes.length) expect(codes).toContain(json.error.code);
          n++;
        }),
      );
    }
    expect(n).toBe(cases.length * headerSets.length);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('%s /v1/chat/completions → 404 not_found (CONTRACT §5)', async (method) => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await res.json()).error.code).toBe('not_found');
  });

  it('the server is still serving', async () => {
    const res = await post(gw.url, { model: 'gpt-4o', messages: [] });
    expect(res.status).toBe(200);
  });
});

describe('load', () => {
  it('500 concurrent streams all arrive complete, byte-identical and in order', async () => {
    const gw = await startGateway({ ...mock.env, ...KEYS, MINI_LLM_LOG: 'silent' });
    const expected = await (await post(gw.url, { model: 'openai/many:40:5', stream: true, messages: [] })).text();
    expect(expected.split('\n\n').filter(Boolean)).toHaveLength(41);
    const bodies = await Promise.all(
      Array.from({ length: 500 }, async () => {
        const res = await post(gw.url, { model: 'openai/many:40:5', stream: true, messages: [] });
        return res.text();
      }),
    );
    await gw.close();
    const broken = bodies.filter((b) => b !== expected);
    expect(broken.length, broken[0]?.slice(-300)).toBe(0);
  }, 60_000);
});
