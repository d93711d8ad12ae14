/**
 * Placeholder keys for local servers (issue 21, docs/configuration.md): a known placeholder (`EMPTY`, `ollama`,
 * ...) or a short key for a provider on a loopback or private address is accepted with a start-up warning and
 * kept out of `config.secrets`; any other short key, and every short gateway key, still stops start-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MIN_KEY_LENGTH, type EnvRecord } from '../src/config.js';
import { isPrivateHost, PLACEHOLDER_KEYS, providerKeyKind } from '../src/placeholder-key.js';
import { startupWarnings } from '../src/startup.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';
import { RUNTIMES } from './runtimes.js';

describe('isPrivateHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['gpu.localhost', true],
    ['10.0.0.5', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.20', true],
    ['169.254.10.1', true],
    ['0.0.0.0', true],
    ['ollama', true], // a Docker Compose service name
    ['host.docker.internal', true],
    ['printer.local', true],
    ['[::1]', true],
    ['[fd12:3456::1]', true],
    ['[fe80::1]', true],
    ['172.15.0.1', false],
    ['172.32.0.1', false],
    ['192.169.0.1', false],
    ['11.0.0.1', false],
    ['8.8.8.8', false],
    ['api.openai.com', false],
    ['localhost.example.com', false],
    ['[2001:db8::1]', false],
    ['[::ffff:7f00:1]', false],
  ])('%s → %s', (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });
});

describe('providerKeyKind', () => {
  it.each([
    ['EMPTY', 'https://api.openai.com/v1', 'placeholder'],
    ['none', 'https://api.openai.com/v1', 'placeholder'],
    ['Ollama', 'http://127.0.0.1:11434/v1', 'placeholder'],
    ['LM-Studio', 'http://127.0.0.1:1234/v1', 'placeholder'],
    ['sk-no-key-required', 'http://10.0.0.2:8080/v1', 'placeholder'],
    ['abc', 'http://127.0.0.1:8000/v1', 'local'],
    ['abc', 'http://vllm:8000/v1', 'local'],
    ['abc', 'http://[::1]:8000/v1', 'local'],
    ['abc', 'https://api.openai.com/v1', 'too-short'],
    ['abc', undefined, 'too-short'],
    ['sk-abcdefgh', 'http://127.0.0.1:8000/v1', 'secret'],
    ['sk-abcdefgh', 'https://api.openai.com/v1', 'secret'],
  ] as const)('%s at %s → %s', (key, url, kind) => {
    expect(providerKeyKind(key, url, MIN_KEY_LENGTH)).toBe(kind);
  });

  it('every listed placeholder is lower case (they are compared case-insensitively)', () => {
    for (const p of PLACEHOLDER_KEYS) expect(p).toBe(p.toLowerCase());
  });
});

const refusal = (env: EnvRecord): ConfigError => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig: placeholder keys', () => {
  it.each([
    ['vLLM convention on the default URL', { OPENAI_API_KEY: 'EMPTY' }, 'OPENAI_API_KEY', 'openai', 'placeholder'],
    ['custom Ollama', { CUSTOM_PROVIDER_URL: 'http://127.0.0.1:11434', CUSTOM_PROVIDER_KEY: 'ollama' }, 'CUSTOM_PROVIDER_KEY', 'custom', 'placeholder'],
    ['short key, loopback base URL', { OPENAI_API_KEY: 'abc', OPENAI_BASE_URL: 'http://localhost:8000/v1' }, 'OPENAI_API_KEY', 'openai', 'local'],
    ['short key, private custom URL', { CUSTOM_PROVIDER_URL: 'http://192.168.1.5:8000', CUSTOM_PROVIDER_KEY: 'x' }, 'CUSTOM_PROVIDER_KEY', 'custom', 'local'],
    ['short key, Compose service via MINI_LLM_PROVIDERS', { MINI_LLM_PROVIDERS: '{"vllm":{"baseUrl":"http://vllm:8000/v1","apiKeyEnv":"VLLM_KEY"}}', VLLM_KEY: 'k' }, 'VLLM_KEY', 'vllm', 'local'],
    ['judged by the final base URL (a built-in overridden by MINI_LLM_PROVIDERS)', { OPENAI_API_KEY: 'abc', MINI_LLM_PROVIDERS: '{"openai":{"baseUrl":"http://127.0.0.1:8000/v1"}}' }, 'OPENAI_API_KEY', 'openai', 'local'],
  ])('%s: accepted, sent upstream, not a secret, named in a warning', (_, env, variable, provider, reason) => {
    const c = loadConfig(env);
    const key = (env as Record<string, string>)[variable]!;
    expect(c.providers.get(provider)).toMatchObject({ enabled: true, apiKey: key });
    expect(c.secrets).not.toContain(key);
    expect(c.placeholderKeys).toEqual([{ variable, provider, reason }]);
    const warnings = startupWarnings(c).filter((w) => w.includes(variable));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not treated as a secret');
    expect(warnings[0]).not.toContain(`${key} `); // never the key itself
  });

  it('a real key next to a placeholder stays a secret', () => {
    const c = loadConfig({ OPENAI_API_KEY: 'EMPTY', NEBIUS_API_KEY: 'nb-real-key-1', MINI_LLM_API_KEY: 'gateway-key-1' });
    expect(c.secrets).toEqual(['nb-real-key-1', 'gateway-key-1']);
    expect(c.placeholderKeys.map((p) => p.variable)).toEqual(['OPENAI_API_KEY']);
  });

  it.each([
    ['a short key on a public base URL', { OPENAI_API_KEY: 'abc' }, 'OPENAI_API_KEY'],
    ['a short key on a public custom URL', { CUSTOM_PROVIDER_URL: 'https://llm.example', CUSTOM_PROVIDER_KEY: 'abc' }, 'CUSTOM_PROVIDER_KEY'],
    ['a short custom key without a URL', { CUSTOM_PROVIDER_KEY: 'abc' }, 'CUSTOM_PROVIDER_KEY'],
    ['a placeholder as a gateway key', { MINI_LLM_API_KEY: 'EMPTY' }, 'MINI_LLM_API_KEY'],
    ['a short gateway key on a loopback bind', { MINI_LLM_API_KEY: 'ollama', MINI_LLM_HOST: '127.0.0.1' }, 'MINI_LLM_API_KEY'],
  ])('%s is still refused, naming the variable', (_, env, variable) => {
    const err = refusal(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(`at least ${MIN_KEY_LENGTH} characters`);
  });

  it('no warning when every key is a secret', () => {
    expect(startupWarnings(loadConfig({ OPENAI_API_KEY: 'sk-abcdefgh' }))).toEqual([]);
  });
});

describe.each(RUNTIMES.filter((r) => r.name !== 'workerd'))('a gateway process on $name with placeholder keys', (runtime) => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('starts with OPENAI_API_KEY=EMPTY and CUSTOM_PROVIDER_KEY=ollama, warns, and sends each key upstream', async () => {
    const gw = await runtime.start({
      OPENAI_BASE_URL: mock.env.OPENAI_BASE_URL!,
      OPENAI_API_KEY: 'EMPTY',
      CUSTOM_PROVIDER_URL: mock.env.CUSTOM_PROVIDER_URL!,
      CUSTOM_PROVIDER_KEY: 'ollama',
      MINI_LLM_LOG: 'silent',
    });
    try {
      const chat = (model: string) =>
        fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
      const before = mock.requests.length;
      const openai = await chat('gpt-4o-mini');
      expect(openai.status).toBe(200);
      expect((await openai.json()).choices[0].message.content).toEqual(expect.any(String));
      const custom = await chat('custom/llama3.2');
      expect(custom.status).toBe(200);
      await custom.arrayBuffer();
      const seen = mock.requests.slice(before);
      expect(seen.map((r) => [r.provider, r.headers.authorization])).toEqual([
        ['openai', 'Bearer EMPTY'],
        ['custom', 'Bearer ollama'],
      ]);
      // Not a secret: a provider that echoes the placeholder gets it shown, not `[redacted]`.
      const leak = await chat('custom/leak');
      expect(leak.status).toBe(401);
      expect((await leak.json()).error.message).toContain('Incorrect API key provided: ollama.');
      // Each warning is printed once, after the start line.
      const stderr = await waitFor(() => gw.stderr(), (s) => s.includes('CUSTOM_PROVIDER_KEY'));
      expect(stderr).toMatch(/OPENAI_API_KEY is a known placeholder key, so it is not treated as a secret: it is sent to provider openai/);
      expect(stderr).toMatch(/CUSTOM_PROVIDER_KEY is a known placeholder key, so it is not treated as a secret: it is sent to provider custom/);
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  }, 30_000);
});

/** Poll `read` until `done` says yes (at most 2 s): stderr may arrive after the start line. */
async function waitFor(read: () => string, done: (s: string) => boolean): Promise<string> {
  const t0 = Date.now();
  while (!done(read()) && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 20));
  return read();
}
