/**
 * Issue 11, items 10 and 11: where Bun's server differs from Node's, on real gateway processes on both.
 * Bounded loops on loopback; the numbers are in README "Bun notes".
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildGateway } from './helpers.js';
import { hostileEnv, startHostileUpstream, type HostileUpstream } from './mocks/hostile-upstream.js';
import { RUNTIMES } from './runtimes.js';

const MiB = 1024 * 1024;

/** Send a body over the limit in full; resolve with the status the client read, or its socket error's code. */
function oversizeUpload(url: string, body: Buffer): Promise<number | string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: number | string) => {
      if (!settled) (settled = true), resolve(v);
    };
    const req = request({ host: hostname, port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
    req.end(body);
  });
}

/** Two POSTs written at once on one connection; resolves with the number of answers read before it closed (or 2 s). */
function pipelined(url: string, model: string): Promise<number> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ model, messages: [] });
  const post = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
  return new Promise((resolve) => {
    let got = '';
    const count = () => (got.match(/HTTP\/1\.1 \d{3}/g) ?? []).length;
    const socket = connect(Number(port), hostname, () => socket.write(post + post));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(count());
    }, 2000);
    socket.on('data', (d) => {
      got += d;
      if (count() === 2) {
        clearTimeout(timer);
        socket.destroy();
        resolve(2);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(count());
    });
  });
}

describe.each(RUNTIMES.filter((r) => r.name !== 'workerd'))('on $name', (runtime) => {
  let up: HostileUpstream;
  let gw: ChildGateway;

  beforeAll(async () => {
    up = await startHostileUpstream();
    gw = await runtime.start({ ...hostileEnv(up.url), MINI_LLM_LOG: 'silent', MINI_LLM_MAX_BODY_BYTES: String(1 * MiB) });
  }, 30_000);
  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  it('item 10: an upload over the body limit, sent in full, gets its 413 (20 tries, 16 MiB over a 1 MiB limit)', async () => {
    const body = Buffer.alloc(16 * MiB, 0x20);
    const outcomes: (number | string)[] = [];
    for (let i = 0; i < 20; i++) outcomes.push(await oversizeUpload(gw.url, body));
    const got413 = outcomes.filter((o) => o === 413).length;
    // Measured 30/30 on both runtimes without `connection: close` (13/30 on Bun with it); allow one stray EPIPE.
    expect(got413, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(19);
  }, 60_000);

  it('item 11: pipelined POSTs (Node answers both; Bun 1.4.5 may close the connection, a runtime bug) never take the gateway down', async () => {
    const answers = await pipelined(gw.url, 'hostile/x');
    if (runtime.name === 'node') expect(answers).toBe(2);
    else expect(answers).toBeGreaterThanOrEqual(0);
    // Whatever the runtime did with that connection, the next request is served.
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
  });
});
