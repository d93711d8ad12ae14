/**
 * Issue 20, item 4 "Keys escape redaction in pieces": on real gateway processes on Node, Bun and workerd, against a
 * provider that puts the key it received where a cut goes through it (test/mocks/leaky-upstream.ts). No answer
 * may carry any 8 characters of any configured key (three provider keys, two gateway keys), in its body, its
 * header values or its header names, in any case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildGateway } from './helpers.js';
import { everything, keyPiece, messageOf, post, ROUTES } from './leaks.js';
import { LEAKY_KEYS, leakyEnv, PROVIDER_KEYS, startLeakyUpstream, type LeakyUpstream } from './mocks/leaky-upstream.js';
import { RUNTIMES } from './runtimes.js';

describe.each(RUNTIMES)('item 4 on $name', (runtime) => {
  let up: LeakyUpstream;
  let gw: ChildGateway;

  beforeAll(async () => {
    up = await startLeakyUpstream();
    gw = await runtime.start({ ...leakyEnv(up.url), MINI_LLM_LOG: 'info' });
  }, 90_000);
  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  it.each(ROUTES)('%s via %s: a plain-text error with the key across its 500-character cut comes back with no piece of it', async (path, provider, body) => {
    const seen = await everything(await post(gw.url, path, body(`${provider}/plain-error:490`)));
    expect(seen.status).toBe(400);
    expect(keyPiece(seen.text)).toBeUndefined();
    // Redacted whole, then cut: the cut still applies, and goes through the marker, never the key.
    const message = messageOf(seen.text);
    expect(message.startsWith('x'.repeat(490))).toBe(true);
    expect(message.length).toBeLessThanOrEqual(500);
  });

  it.each(ROUTES)('%s via %s: a refused content-encoding with the key across its 100-character cut names no piece of it', async (path, provider, body) => {
    const seen = await everything(await post(gw.url, path, body(`${provider}/encoded:90`)));
    expect(seen.status).toBe(502);
    expect(keyPiece(seen.text)).toBeUndefined();
    expect(messageOf(seen.text)).toContain(`"${'x'.repeat(90)}[redacted]`);
  });

  it.each([200, 429])('rate-limit headers whose names hold the key are dropped (status %i), on chat, Anthropic and Messages pass-through', async (status) => {
    for (const [path, provider, body] of [ROUTES[0], ROUTES[1], ROUTES[3], ROUTES[4]]) {
      const seen = await everything(await post(gw.url, path, body(`${provider}/key-header-names:${status}`)));
      expect(seen.status, `${path} ${provider}`).toBe(status);
      expect(keyPiece(seen.text), `${path} ${provider}`).toBeUndefined();
      // The ordinary rate-limit header still comes through.
      expect(seen.headers.get('x-ratelimit-remaining-requests'), `${path} ${provider}`).toBe('7');
    }
  });

  it.each([
    ['/v1/messages', 'leaky', ROUTES[2][2]],
    ['/v1/responses', 'leaky', ROUTES[4][2]],
    ['/v1/chat/completions', 'leaky-claude', ROUTES[1][2]],
    ['/v1/responses', 'leaky-claude', ROUTES[5][2]],
  ] as const)('%s via %s: a 200 whose body is an error naming all five configured keys → an error with every key redacted', async (path, provider, body) => {
    const seen = await everything(await post(gw.url, path, body(`${provider}/error-200`)));
    expect(seen.status).toBe(502);
    expect(keyPiece(seen.text)).toBeUndefined();
    expect(messageOf(seen.text)).toBe(`keys: ${LEAKY_KEYS.map(() => '[redacted]').join(' ')}`);
    await new Promise((r) => setTimeout(r, 100)); // the log line is written at the end of the event-loop turn
    expect(keyPiece(gw.stderr() + gw.stdout())).toBeUndefined();
  });

  it('a plain-text error cut by MINI_LLM_MAX_ERROR_BYTES in the middle of the key comes back with no piece of it', async () => {
    const small = await runtime.start({ ...leakyEnv(up.url), MINI_LLM_LOG: 'silent', MINI_LLM_MAX_ERROR_BYTES: '300' });
    try {
      for (const [path, provider, body] of ROUTES) {
        // The key starts 10 bytes before the read limit: the gateway reads "x" × 290 and the key's first 10 characters.
        const seen = await everything(await post(small.url, path, body(`${provider}/plain-error:290`)));
        expect(seen.status, `${path} ${provider}`).toBe(400);
        expect(keyPiece(seen.text), `${path} ${provider}`).toBeUndefined();
        expect(messageOf(seen.text), `${path} ${provider}`).toBe('x'.repeat(290));
      }
    } finally {
      await small.stop();
    }
  }, 90_000);

  it('the keys under test are the configured ones: the provider received its own', () => {
    const received = new Set(up.requests.map((r) => String(r.headers['x-api-key'] ?? r.headers.authorization ?? '').replace(/^Bearer /, '')));
    expect(received).toContain(PROVIDER_KEYS[0]);
    expect(received).toContain(PROVIDER_KEYS[1]);
  });
});
