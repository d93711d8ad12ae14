/**
 * On Node, a Messages pass-through stream takes the push path (upstream socket to client socket, no Web stream),
 * as chat pass-through does; a translated one cannot (it is parsed) and answers a Web stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createNodeUpstreamFetch } from '../../src/node/upstream-client.js';
import { pushAnswerOf } from '../../src/stream-guard.js';
import { startMessagesUpstream, type MessagesUpstream } from '../mocks/messages-upstream.js';

let mock: MessagesUpstream;
beforeAll(async () => {
  mock = await startMessagesUpstream();
});
afterAll(async () => {
  await mock?.close();
});

describe('the Node push path', () => {
  it.each([
    ['claude-sonnet-4-6', true],
    ['gpt-4o-mini', false],
  ])('%s streamed: push answer %s', async (model, pushed) => {
    const app = createApp(loadConfig({ ...mock.env, MINI_LLM_LOG: 'silent' }), { fetch: createNodeUpstreamFetch() });
    const res = await app.request('/v1/messages?beta=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    expect(pushAnswerOf(res) !== undefined).toBe(pushed);
    const text = await res.text();
    expect(text.startsWith('event: message_start\n')).toBe(true);
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
