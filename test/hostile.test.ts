/**
 * Issue 11, "Hostile upstreams and clients", one test per item, on real gateway processes on Node and on Bun
 * (test/runtimes.ts), against the hostile loopback provider (test/mocks/hostile-upstream.ts).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents, type ChildGateway } from './helpers.js';
import { HOSTILE_CLAUDE_KEY, HOSTILE_KEY, hostileEnv, startHostileUpstream, type HostileUpstream } from './mocks/hostile-upstream.js';
import { rssGrowth } from './rss.js';
import { RUNTIMES } from './runtimes.js';

const MiB = 1024 * 1024;
const chat = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const everything = async (res: Response) => ({ status: res.status, headers: [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n'), body: await res.text() });

describe.each(RUNTIMES.filter((r) => r.name !== 'workerd'))('on $name', (runtime) => {
  let up: HostileUpstream;
  let gw: ChildGateway;

  beforeAll(async () => {
    up = await startHostileUpstream();
    gw = await runtime.start({
      ...hostileEnv(up.url),
      MINI_LLM_LOG: 'info',
      MINI_LLM_MAX_ANSWER_BYTES: String(16 * MiB),
      MINI_LLM_MAX_EVENT_BYTES: String(1 * MiB),
      MINI_LLM_MAX_BODY_BYTES: String(1 * MiB),
    });
  }, 30_000);
  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  describe('item 1: keys that leak', () => {
    it('an upstream error echoing the key in message, type, code, param and headers reaches the client and the log redacted', async () => {
      const res = await chat(gw.url, { model: 'hostile/echo-key-error', messages: [] });
      const seen = await everything(res);
      expect(seen.status).toBe(400);
      expect(seen.body + seen.headers).not.toContain(HOSTILE_KEY);
      const err = JSON.parse(seen.body).error;
      expect(err).toMatchObject({ message: 'bad key [redacted]', type: 'type-[redacted]', code: 'code-[redacted]', param: 'param-[redacted]' });
      expect(res.headers.get('retry-after')).toBe('[redacted]');
      expect(res.headers.get('x-upstream-request-id')).toBe('[redacted]');
      await new Promise((r) => setTimeout(r, 100)); // the log line is written at the end of the event-loop turn
      expect(gw.stderr()).toContain('code-[redacted]');
      expect(gw.stderr() + gw.stdout()).not.toContain(HOSTILE_KEY);
    });

    it('a 200 answer whose request id and rate-limit headers echo the key passes them on redacted', async () => {
      const seen = await everything(await chat(gw.url, { model: 'hostile/echo-key-ok', messages: [] }));
      expect(seen.status).toBe(200);
      expect(seen.headers).toContain('x-upstream-request-id: req-[redacted]');
      expect(seen.headers).toContain('x-ratelimit-remaining-tokens: [redacted]');
      expect(seen.headers).not.toContain(HOSTILE_KEY);
    });

    it('an Anthropic error event after the 200 that echoes the key reaches the client redacted', async () => {
      const res = await chat(gw.url, { model: 'hostile-claude/echo-key-stream', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(200);
      const { data, raw } = await readEvents(res);
      expect(raw).not.toContain(HOSTILE_CLAUDE_KEY);
      expect(JSON.parse(data.at(-1)!).error).toMatchObject({ message: 'Overloaded; your key is [redacted]', type: 'overloaded-[redacted]' });
    });
  });

  describe('item 1 on /v1/messages translated', () => {
    it('a chat error frame after the 200 that echoes the key reaches the Anthropic client redacted', async () => {
      const res = await fetch(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'hostile/echo-key-chat-stream', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      const raw = await res.text();
      expect(raw).not.toContain(HOSTILE_KEY);
      expect(raw).toContain('event: error');
      expect(raw).toContain('Overloaded; your key is [redacted]');
    });
  });

  describe('item 2: redirects', () => {
    it.each([302, 307, 308])('an upstream %i is never followed: 502 upstream_error naming the status, nothing reaches the other origin', async (code) => {
      const res = await chat(gw.url, { model: `hostile/redirect:${code}`, messages: [{ role: 'user', content: 'secret prompt' }] });
      expect(res.status).toBe(502);
      const err = (await res.json()).error;
      expect(err).toMatchObject({ type: 'upstream_error', code: 'upstream_error' });
      expect(err.message).toContain(String(code));
      expect(res.headers.get('location')).toBeNull();
      expect(up.elsewhere).toEqual([]);
    });
  });

  describe('item 3: memory of whole-read answers, error bodies and encoded bodies is bounded', () => {
    it('a 512 MiB answer (limit 16 MiB) → 502 upstream_answer_too_large, RSS growth far below the body', async () => {
      const { result, growth } = await rssGrowth(gw.child.pid!, async () => {
        const res = await chat(gw.url, { model: `hostile/huge-json:${512 * MiB}`, messages: [] });
        return { status: res.status, error: (await res.json()).error };
      });
      expect(result.status).toBe(502);
      expect(result.error).toMatchObject({ type: 'upstream_error', code: 'upstream_answer_too_large' });
      expect(result.error.message).toContain('MINI_LLM_MAX_ANSWER_BYTES');
      expect(growth).toBeLessThan(128 * MiB);
    });

    it('a 512 MiB error body → the upstream status, only its first 64 KiB read, RSS growth tiny', async () => {
      const before = up.written();
      const { result, growth } = await rssGrowth(gw.child.pid!, async () => {
        const res = await chat(gw.url, { model: `hostile/huge-error:${512 * MiB}`, messages: [] });
        return { status: res.status, error: (await res.json()).error };
      });
      expect(result.status).toBe(500);
      expect(result.error.message).toMatch(/^a+$/);
      expect(growth).toBeLessThan(64 * MiB);
      // The rest was not read: the upstream wrote little more than socket buffers hold.
      expect(up.written() - before).toBeLessThan(64 * MiB);
    });

    it('a gzip bomb sent although identity was asked for → 502 upstream_encoded_body, never inflated', async () => {
      const { result, growth } = await rssGrowth(gw.child.pid!, async () => {
        const res = await chat(gw.url, { model: 'hostile/gzip', messages: [] });
        return { status: res.status, error: (await res.json()).error };
      });
      expect(result.status).toBe(502);
      expect(result.error).toMatchObject({ type: 'upstream_error', code: 'upstream_encoded_body' });
      expect(growth).toBeLessThan(48 * MiB);
    });
  });

  describe('item 4: an SSE event that never ends', () => {
    it('an Anthropic stream that never ends an event is cut at MINI_LLM_MAX_EVENT_BYTES with an upstream_event_too_large frame', async () => {
      const { result, growth } = await rssGrowth(gw.child.pid!, async () => {
        const res = await chat(gw.url, { model: `hostile-claude/endless-event:${512 * MiB}`, stream: true, messages: [{ role: 'user', content: 'hi' }] });
        return { status: res.status, events: await readEvents(res) };
      });
      expect(result.status).toBe(200);
      const last = JSON.parse(result.events.data.at(-1)!).error;
      expect(last).toMatchObject({ type: 'upstream_error', code: 'upstream_event_too_large' });
      expect(growth).toBeLessThan(128 * MiB);
    });
  });

  describe('item 5: deeply nested bodies', () => {
    it.each([10_000, 100_000])('a body nested %i levels deep → 400 json_too_deep, and other requests are not stalled', async (depth) => {
      const body = `{"model":"hostile/x","messages":[],"metadata":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const started = Date.now();
      const [answers, health] = await Promise.all([
        Promise.all(Array.from({ length: 5 }, () => chat(gw.url, body).then(async (r) => ({ status: r.status, error: (await r.json()).error })))),
        fetch(`${gw.url}/health`).then((r) => r.status),
      ]);
      for (const a of answers) expect(a).toMatchObject({ status: 400, error: { type: 'invalid_request_error', code: 'json_too_deep' } });
      expect(health).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('a body nested 100 levels (under MINI_LLM_MAX_JSON_DEPTH=128) still goes upstream', async () => {
      const body = `{"model":"hostile/x","messages":[],"metadata":${'['.repeat(100)}${']'.repeat(100)}}`;
      expect((await chat(gw.url, body)).status).toBe(200);
    });
  });

  describe('item 6: config reads are own-property lookups', () => {
    it.each(['constructor', 'toString', 'valueOf', '__proto__'])('apiKeyEnv "%s" is an unset variable: start-up succeeds, the provider is unconfigured', async (name) => {
      const other = await runtime.start({ MINI_LLM_PROVIDERS: JSON.stringify({ proto: { baseUrl: `${up.url}/v1`, apiKeyEnv: name } }) });
      try {
        const res = await chat(other.url, { model: 'proto/echo-headers', messages: [] });
        expect(res.status).toBe(400);
        expect((await res.json()).error).toMatchObject({ code: 'provider_not_configured' });
        expect(other.stderr()).not.toContain('TypeError');
      } finally {
        await other.stop();
      }
    });
  });

  describe('item 7: statuses outside 200–299 and stacked encodings', () => {
    it.each([300, 301, 304, 399, 600, 999])('an upstream %i → 502 upstream_error naming the status (OpenAI-compatible and Anthropic)', async (code) => {
      for (const model of [`hostile/raw-status:${code}`, `hostile-claude/raw-status:${code}`]) {
        const res = await chat(gw.url, { model, messages: [{ role: 'user', content: 'hi' }] });
        expect(res.status).toBe(502);
        const err = (await res.json()).error;
        expect(err).toMatchObject({ type: 'upstream_error', code: 'upstream_error' });
        expect(err.message).toContain(String(code));
      }
    });

    it('content-encoding "gzip, gzip" → 502 upstream_encoded_body, never compressed bytes as a 200', async () => {
      const res = await chat(gw.url, { model: 'hostile/gzip-gzip', messages: [] });
      expect(res.status).toBe(502);
      expect((await res.json()).error).toMatchObject({ code: 'upstream_encoded_body' });
    });
  });

  describe('item 8: a client hanging up mid-upload', () => {
    it.each([
      ['content-length', 'content-length: 50000\r\n', '{"model":"hostile/x","messages":['],
      ['chunked', 'transfer-encoding: chunked\r\n', '20\r\n{"model":"hostile/x","messages":[\r\n'],
    ])('with %s: is logged as 499 client_closed, never a 500', async (kind, framing, part) => {
      const id = `upload-cut-${kind}`;
      const { port, hostname } = new URL(gw.url);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${framing}x-request-id: ${id}\r\n\r\n${part}`);
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 100);
        });
        socket.on('error', reject);
      });
      let line: string | undefined;
      for (let i = 0; i < 40 && !line; i++) {
        await new Promise((r) => setTimeout(r, 50));
        line = gw.stderr().split('\n').find((l) => l.includes(id));
      }
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ status: 499, error_code: 'client_closed' });
      expect(gw.stderr()).not.toContain('unexpected error');
    });
  });

  describe('the same on every route: the defences live in the shared upstream call and stream guard', () => {
    const routes = [
      ['/v1/messages', 'hostile', { max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/messages', 'hostile-claude', { max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/embeddings', 'hostile', { input: 'hi' }],
    ] as const;
    const send = (path: string, body: unknown) =>
      fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    it.each(routes)('%s via %s: echoed keys redacted, redirects and statuses ≥ 600 → 502, oversize answers → 502, deep nesting → 400', async (path, provider, rest) => {
      const leak = await everything(await send(path, { ...rest, model: `${provider}/echo-key-error` }));
      expect(leak.status).toBe(400);
      expect(leak.body + leak.headers).not.toContain(HOSTILE_KEY);
      expect(leak.body + leak.headers).not.toContain(HOSTILE_CLAUDE_KEY);
      expect(leak.body).toContain('[redacted]');
      for (const model of [`${provider}/redirect:302`, `${provider}/raw-status:600`, `${provider}/huge-json:${64 * MiB}`, `${provider}/gzip`]) {
        const res = await send(path, { ...rest, model });
        expect(res.status, model).toBe(502);
        await res.arrayBuffer();
      }
      expect(up.elsewhere).toEqual([]);
      const deep = await send(path, `{"model":"${provider}/x","metadata":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
      expect(deep.status).toBe(400);
      expect(await deep.text()).toContain('MINI_LLM_MAX_JSON_DEPTH');
    });
  });

  describe('item 9: the same upstream request headers on every runtime', () => {
    it('sends user-agent mini-llm-gateway/<version> and accept-encoding identity, and nothing the runtime adds', async () => {
      const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
      const res = await chat(gw.url, { model: 'hostile/echo-headers', messages: [] });
      const received = (await res.json()).received_headers as Record<string, string>;
      expect(received['user-agent']).toBe(`mini-llm-gateway/${version}`);
      expect(received['accept-encoding']).toBe('identity');
      expect(Object.keys(received).sort()).toEqual(['accept', 'accept-encoding', 'authorization', 'connection', 'content-length', 'content-type', 'host', 'user-agent', 'x-request-id']);
    });
  });
});
