/**
 * The app routes the same with either router it is built with: Hono's PatternRouter (the default, the Worker's
 * smaller bundle) and Hono's default SmartRouter (Node and Bun, src/fast-router.ts). PatternRouter alone would also
 * serve a path with a trailing slash; the app refuses those whatever the router.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { fastRouter } from '../src/fast-router.js';

const config = loadConfig({ OPENAI_API_KEY: 'sk-routers-0123456789', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', MINI_LLM_LOG: 'silent' });
const apps = { pattern: createApp(config), smart: createApp(config, { router: fastRouter() }) };

const CASES: Array<[method: string, path: string]> = [
  ['GET', '/health'],
  ['GET', '/health/'],
  ['GET', '/v1/models'],
  ['GET', '/v1/models/'],
  ['GET', '/v1/models/openai/gpt-4o-mini'],
  ['POST', '/v1/chat/completions'],
  ['POST', '/v1/chat/completions/'],
  ['POST', '/v1/messages'],
  ['POST', '/v1/messages/'],
  ['POST', '/v1/messages/count_tokens'],
  ['POST', '/v1/responses'],
  ['POST', '/v1/responses/'],
  ['GET', '/v1/responses/resp_1'],
  ['POST', '/v1/embeddings'],
  ['POST', '/v1beta/models/openai/gpt-4o-mini:countTokens'],
  ['POST', '/v1beta/models/openai/gpt-4o-mini:countTokens/'],
  ['GET', '/v1beta/models'],
  ['POST', '/v1/nothing'],
  ['GET', '/'],
];

describe('either router', () => {
  it.each(CASES)('%s %s: the same status and body from both', async (method, path) => {
    const init = method === 'POST' ? { method, headers: { 'content-type': 'application/json' }, body: '{}' } : { method };
    const [a, b] = await Promise.all([apps.pattern.request(path, init), apps.smart.request(path, init)]);
    expect(a.status).toBe(b.status);
    expect(await a.text()).toBe(await b.text());
    if (path.length > 1 && path.endsWith('/')) expect(a.status).toBe(404);
  });
});
