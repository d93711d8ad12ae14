/** Issue 11: the pure pieces behind the hostile-input defences, table-driven. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ConfigError, LIMIT_DEFAULTS, loadConfig, MAX_JSON_DEPTH_LIMIT, MIN_KEY_LENGTH } from '../src/config.js';
import { jsonDepthExceeds } from '../src/json-depth.js';
import { redact, redactBytes } from '../src/redact.js';
import { sseEventLimit, SseEventTooLarge } from '../src/sse.js';
import { USER_AGENT, VERSION } from '../src/version.js';

describe('jsonDepthExceeds (item 5)', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":{}}', 1, true],
    ['[[[]]]', 3, false],
    ['[[[[]]]]', 3, true],
    ['{"s":"[[[[[[[[[[[[[["}', 2, false],
    ['{"s":"\\"[[[[[[[[[[[[[["}', 2, false],
    ['{"s":"\\\\"}[[[[', 2, true],
    ['{"s":"\\\\\\"[[[["}', 2, false],
    ['[' + '{"a":1},'.repeat(1000) + '{}]', 2, false],
    ['{"unterminated":"[[[[[[[[', 2, false],
  ])('%s with max %i → %s', (text, max, exceeds) => {
    expect(jsonDepthExceeds(text, max)).toBe(exceeds);
  });

  it('a 100,000-level body is found at once, without recursion', () => {
    expect(jsonDepthExceeds('['.repeat(100_000) + ']'.repeat(100_000), 128)).toBe(true);
  });
});

describe('sseEventLimit (item 4)', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it.each([
    ['data: 12345\n\n', 8, false],
    ['data: 1234567890', 8, true],
    ['data: 1\n\ndata: 2\n\ndata: 3\n\n', 8, false],
    ['data: 1\r\n\r\ndata: 2\r\n\r\n', 8, false],
    ['data: 1\r\rdata: 2\r\r', 8, false],
    ['data: 1\ndata: 2\ndata: 3\n', 8, true],
  ])('%j with max %i → throws: %s', (text, max, throws) => {
    const check = sseEventLimit(max);
    const run = () => check(enc(text));
    if (throws) expect(run).toThrow(SseEventTooLarge);
    else expect(run).not.toThrow();
  });

  it('counts an event across chunks, and restarts at each blank line, CRLF split across chunks included', () => {
    const check = sseEventLimit(12);
    check(enc('data: 12'));
    check(enc('\r'));
    check(enc('\n\r'));
    check(enc('\ndata: 1234'));
    expect(() => check(enc('567890'))).toThrow(/MINI_LLM_MAX_EVENT_BYTES/);
  });
});

describe('redaction (item 1)', () => {
  it('replaces every secret, of any length down to 1, in text and in bytes', () => {
    expect(redact('a sk-12345678 b sk-12345678', ['sk-12345678'])).toBe('a [redacted] b [redacted]');
    expect(redact('x', ['x'])).toBe('[redacted]');
    expect(redact('nothing', [''])).toBe('nothing');
    const clean = new TextEncoder().encode('no secret here');
    expect(redactBytes(clean, ['sk-12345678'])).toBe(clean);
    expect(new TextDecoder().decode(redactBytes(new TextEncoder().encode('key sk-12345678'), ['sk-12345678']))).toBe('key [redacted]');
  });

  // Providers on public addresses: a short key on a local one is a placeholder (test/placeholder-keys.test.ts).
  it.each(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'CUSTOM_PROVIDER_KEY', 'MINI_LLM_API_KEY', 'MYKEY'])('a key shorter than 8 characters in %s is refused at start-up, naming the variable', (name) => {
    const env: Record<string, string> = { [name]: 'short', CUSTOM_PROVIDER_URL: 'https://custom.example', MINI_LLM_PROVIDERS: '{"mine":{"baseUrl":"https://mine.example/v1","apiKeyEnv":"MYKEY"}}' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
    expect(() => loadConfig({ ...env, [name]: 'x'.repeat(MIN_KEY_LENGTH) })).not.toThrow();
  });
});

describe('config reads are own-property lookups (item 6)', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])('apiKeyEnv %s behaves as an unset variable', (name) => {
    const c = loadConfig({ MINI_LLM_PROVIDERS: JSON.stringify({ p: { baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: name } }) });
    expect(c.providers.get('p')).toMatchObject({ enabled: false, apiKey: undefined });
  });

  it('a provider entry whose fields are inherited names gets the defaults, not Object.prototype', () => {
    const c = loadConfig({ MINI_LLM_PROVIDERS: '{"p":{"baseUrl":"http://127.0.0.1:9/v1"}}', MINI_LLM_LOG: 'silent' });
    expect(c.providers.get('p')).toMatchObject({ kind: 'openai-compatible', auth: 'none', responses: false });
  });
});

describe('limits and version', () => {
  it('have defaults no real provider reaches, each changed by its variable', () => {
    expect(LIMIT_DEFAULTS).toEqual({ maxAnswerBytes: 64 * 1024 * 1024, maxErrorBytes: 64 * 1024, maxEventBytes: 16 * 1024 * 1024, maxStreamStateBytes: 8 * 1024 * 1024, maxJsonDepth: 128 });
    expect(loadConfig({})).toMatchObject(LIMIT_DEFAULTS);
    const c = loadConfig({ MINI_LLM_MAX_ANSWER_BYTES: '10', MINI_LLM_MAX_ERROR_BYTES: '11', MINI_LLM_MAX_EVENT_BYTES: '12', MINI_LLM_MAX_JSON_DEPTH: '13', MINI_LLM_MAX_STREAM_STATE_BYTES: '14' });
    expect(c).toMatchObject({ maxAnswerBytes: 10, maxErrorBytes: 11, maxEventBytes: 12, maxJsonDepth: 13, maxStreamStateBytes: 14 });
    expect(() => loadConfig({ MINI_LLM_MAX_ANSWER_BYTES: '0' })).toThrow('MINI_LLM_MAX_ANSWER_BYTES');
    expect(() => loadConfig({ MINI_LLM_MAX_STREAM_STATE_BYTES: '0' })).toThrow('MINI_LLM_MAX_STREAM_STATE_BYTES');
  });

  it('the highest MINI_LLM_MAX_JSON_DEPTH is served on every route: a body just under it is never a 5xx', async () => {
    expect(() => loadConfig({ MINI_LLM_MAX_JSON_DEPTH: String(MAX_JSON_DEPTH_LIMIT + 1) })).toThrow('MINI_LLM_MAX_JSON_DEPTH');
    const chat = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    const app = createApp(loadConfig({ MINI_LLM_MAX_JSON_DEPTH: String(MAX_JSON_DEPTH_LIMIT), CUSTOM_PROVIDER_URL: 'http://127.0.0.1:9/v1', CUSTOM_PROVIDER_KEY: 'sk-depth-0123456789', MINI_LLM_LOG: 'silent' }), {
      fetch: async () => new Response(chat, { headers: { 'content-type': 'application/json' } }),
    });
    // Nested inside a tool's parameters (walked by every schema mapper) and inside metadata, just under the limit.
    const deep = (n: number): unknown => (n === 0 ? { type: 'string' } : { type: 'object', properties: { a: deep(n - 1) } });
    const schema = deep(Math.floor((MAX_JSON_DEPTH_LIMIT - 12) / 2));
    const tool = { type: 'function', function: { name: 'f', parameters: schema } };
    const hi = [{ role: 'user', content: 'hi' }];
    const cases: Array<[string, unknown]> = [
      ['/v1/chat/completions', { model: 'custom/m', messages: hi, tools: [tool] }],
      ['/v1/messages', { model: 'custom/m', max_tokens: 8, messages: hi, tools: [{ name: 'f', input_schema: schema }] }],
      ['/v1/responses', { model: 'custom/m', input: 'hi', tools: [{ type: 'function', name: 'f', parameters: schema }] }],
      ['/v1beta/models/custom/m:generateContent', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: schema }] }] }],
    ];
    for (const [path, body] of cases) {
      const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(500);
    }
  });

  it('the user-agent version is package.json\'s', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
    expect(USER_AGENT).toBe(`mini-llm-gateway/${pkg.version}`);
  });
});
