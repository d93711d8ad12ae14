/**
 * `/v1/responses` on Bun (the real binary) and workerd (wrangler dev): the openai SDK's text and streamed
 * answers, pass-through (a Responses provider) and translated (a chat-only provider, and Anthropic), every
 * answer and event valid against OpenAI's schemas. Node is covered in-process (responses.test.ts).
 */
import { request } from 'node:http';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { sharedServer, startResponsesUpstreams } from './helpers.js';
import { PLAIN_TEXT } from './mocks/scripted-reply.js';
import { checkResponsesStream } from './responses-check.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';
import { assertValid } from './schemas/openapi.js';

const GATEWAY_KEY = 'gw-test-key-runtimes-0123';
const up = sharedServer(startResponsesUpstreams);

describe.each(RUNTIMES.filter((r) => r.name !== 'node'))('/v1/responses on $name', (runtime) => {
  const on = gatewayOn(
    runtime,
    () => ({ ...up().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }),
    (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 }),
    90_000,
  );

  it.each(['gpt-4o-mini', 'local', 'claude-sonnet'])('answers %s with text', async (model) => {
    const res = await on.client.responses.create({ model, input: 'Capital of France?' });
    assertValid('Response', res);
    expect(res.output_text).toBe(PLAIN_TEXT);
  });

  it.each(['gpt-4o-mini', 'local', 'claude-sonnet'])('streams %s', async (model) => {
    const stream = on.client.responses.stream({ model, input: 'Capital of France?' });
    let text = '';
    stream.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(text).toBe(PLAIN_TEXT);
    expect(final.status).toBe('completed');
    const raw = await (
      await fetch(`${on.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, input: 'Capital of France?', stream: true }) })
    ).text();
    checkResponsesStream(raw);
  });

  it('answers a WebSocket attempt with 426', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${on.url}/v1/responses`, {
        headers: { authorization: `Bearer ${GATEWAY_KEY}`, upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('no answer to the upgrade request')));
      req.end();
    });
    expect(status).toBe(426);
  });

  it('refuses previous_response_id with 400 previous_response_not_found', async () => {
    const err = await on.client.responses.create({ model: 'local', input: 'hi', previous_response_id: 'resp_1' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('previous_response_not_found');
  });
});
