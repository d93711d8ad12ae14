/** The undici upstream client used on Node, against a loopback server: same behaviour as `fetch` where the gateway relies on it. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciFetch, undiciSupported } from '../src/node/upstream-client.js';

let server: Server;
let base: string;
let closedEarly = 0;
const client = createUndiciFetch();

beforeAll(async () => {
  server = createServer((req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) closedEarly++;
    });
    const path = req.url ?? '/';
    if (path === '/cookies') {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end('ok');
    } else if (path === '/gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(gzipSync('hello gzip'));
    } else if (path === '/empty') {
      res.writeHead(204).end();
    } else if (path === '/chunks') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let i = 0;
      const t = setInterval(() => {
        res.write(`part${i} `);
        if (++i === 5) {
          clearInterval(t);
          res.end();
        }
      }, 20);
    } else if (path === '/hang') {
      res.writeHead(200).write('start');
    } else if (path === '/echo-headers') {
      res.end(JSON.stringify(req.headers));
    } else res.writeHead(404).end('nope');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const get = (path: string, signal = new AbortController().signal, headers: Record<string, string> = {}) => client(`${base}${path}`, { method: 'GET', headers, signal });

describe('createUndiciFetch', () => {
  it('is used on Node >= 20.18.1', () => {
    expect(undiciSupported('20.18.0')).toBe(false);
    expect(undiciSupported('20.18.1')).toBe(true);
    expect(undiciSupported('20.20.2')).toBe(true);
    expect(undiciSupported('24.1.0')).toBe(true);
  });

  it('keeps repeated headers as separate values', async () => {
    const res = await get('/cookies');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.text()).toBe('ok');
  });

  it('never decodes a body: a gzip body comes back as sent, with its content-encoding (the gateway refuses it)', async () => {
    const res = await get('/gzip');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await res.arrayBuffer()).equals(gzipSync('hello gzip'))).toBe(true);
  });

  it('gives a 204 a null body', async () => {
    const res = await get('/empty');
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('streams a body chunk by chunk, and reads it whole the same', async () => {
    const chunks: string[] = [];
    const reader = (await get('/chunks')).body!.pipeThrough(new TextDecoderStream()).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(chunks.length).toBeGreaterThan(1);
    const whole = new TextDecoder().decode(await (await get('/chunks')).arrayBuffer());
    expect(whole).toBe(chunks.join(''));
    expect(whole).toBe('part0 part1 part2 part3 part4 ');
    const once = await get('/chunks');
    const bytes = await once.bytes();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(bytes)).toBe(whole);
    await expect(once.bytes()).rejects.toThrow(TypeError); // read twice: an error, as with fetch, not an empty body
  });

  it('reports every body chunk through onBodyData, read whole or streamed', async () => {
    expect(client.reportsBodyData).toBe(true);
    let whole = 0;
    await client(`${base}/chunks`, { method: 'GET', headers: {}, signal: new AbortController().signal, onBodyData: () => whole++ }).then((r) => r.arrayBuffer());
    let bytes = 0;
    await client(`${base}/chunks`, { method: 'GET', headers: {}, signal: new AbortController().signal, onBodyData: () => bytes++ }).then((r) => r.bytes());
    expect(bytes).toBeGreaterThanOrEqual(5);
    let streamed = 0;
    const res = await client(`${base}/chunks`, { method: 'GET', headers: {}, signal: new AbortController().signal, onBodyData: () => streamed++ });
    await res.text();
    expect(whole).toBeGreaterThanOrEqual(5);
    expect(streamed).toBeGreaterThanOrEqual(5);
  });

  it('sends exactly the given headers plus what HTTP/1.1 needs', async () => {
    const seen = await (await get('/echo-headers', undefined, { 'x-one': '1' })).json();
    expect(Object.keys(seen).sort()).toEqual(['connection', 'host', 'x-one']);
  });

  it('an unreachable upstream rejects like fetch, with the socket error code', async () => {
    const err = await client('http://127.0.0.1:1/x', { method: 'GET', headers: {}, signal: new AbortController().signal }).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.cause.code).toBe('ECONNREFUSED');
  });

  it('an abort mid-body closes the upstream connection', async () => {
    const before = closedEarly;
    const ac = new AbortController();
    const res = await get('/hang', ac.signal);
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await expect(reader.read()).rejects.toBeDefined();
    for (let i = 0; i < 50 && closedEarly === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closedEarly).toBe(before + 1);
  });

  it('an abort while a body is read whole rejects it', async () => {
    const ac = new AbortController();
    const res = await get('/hang', ac.signal);
    const whole = res.arrayBuffer();
    setTimeout(() => ac.abort(), 30);
    await expect(whole).rejects.toBeDefined();
  });
});
