import { describe, expect, it } from 'vitest';
import { ConfigError, customBaseUrl, loadConfig } from '../src/config.js';
import { resolveModel } from '../src/models.js';

describe('loadConfig', () => {
  it('has the documented defaults and enables nothing without keys', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(3333);
    expect(c.timeoutMs).toBe(120_000);
    expect(c.maxBodyBytes).toBe(33_554_432);
    expect(c.maxStreamStateBytes).toBe(8 * 1024 * 1024);
    expect(c.log).toBe('info');
    expect([...c.providers.values()].filter((p) => p.enabled)).toEqual([]);
    expect(c.providers.get('openai')!.chatUrl).toBe('https://api.openai.com/v1/chat/completions');
    expect(c.providers.get('anthropic')!.chatUrl).toBe('https://api.anthropic.com/v1/messages');
    expect(c.providers.get('nebius')!.chatUrl).toBe('https://api.tokenfactory.nebius.com/v1/chat/completions');
    expect(c.providers.get('deepinfra')!.chatUrl).toBe('https://api.deepinfra.com/v1/openai/chat/completions');
  });

  it('enables providers by their keys and applies *_BASE_URL overrides', () => {
    const c = loadConfig({ OPENAI_API_KEY: 'key-one-1', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/', NEBIUS_API_KEY: 'key-two-2' });
    expect(c.providers.get('openai')).toMatchObject({ enabled: true, apiKey: 'key-one-1', chatUrl: 'http://127.0.0.1:9/v1/chat/completions' });
    expect(c.providers.get('nebius')!.enabled).toBe(true);
    expect(c.providers.get('anthropic')!.enabled).toBe(false);
    expect(c.secrets).toEqual(expect.arrayContaining(['key-one-1', 'key-two-2']));
  });

  it.each([
    ['http://127.0.0.1:4002', 'http://127.0.0.1:4002/v1'],
    ['http://127.0.0.1:4002/', 'http://127.0.0.1:4002/v1'],
    ['http://127.0.0.1:4002/v1', 'http://127.0.0.1:4002/v1'],
    ['http://127.0.0.1:4002/v1/', 'http://127.0.0.1:4002/v1'],
    ['https://host.example/internal', 'https://host.example/internal/v1'],
  ])('custom provider URL %s has base %s', (url, base) => {
    const c = loadConfig({ CUSTOM_PROVIDER_URL: url, CUSTOM_PROVIDER_KEY: 'k-test-key' });
    expect(c.providers.get('custom')!.baseUrl).toBe(base);
    expect(c.providers.get('custom')!.chatUrl).toBe(`${base}/chat/completions`);
    expect(customBaseUrl(base)).toBe(base);
  });

  it('needs both custom variables', () => {
    expect(loadConfig({ CUSTOM_PROVIDER_URL: 'http://127.0.0.1:1' }).providers.get('custom')!.enabled).toBe(false);
    expect(loadConfig({ CUSTOM_PROVIDER_KEY: 'k-test-key' }).providers.get('custom')!.enabled).toBe(false);
  });

  it('merges MINI_LLM_MODELS over the default aliases', () => {
    const c = loadConfig({ MINI_LLM_MODELS: '{"gpt-4o":"openai/gpt-4.1","fast":"nebius/Qwen/Qwen3-235B-A22B-Instruct-2507"}' });
    expect(c.aliases.get('gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4.1' });
    expect(c.aliases.get('fast')).toEqual({ provider: 'nebius', model: 'Qwen/Qwen3-235B-A22B-Instruct-2507' });
    expect(c.aliases.get('claude-sonnet')).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-6' });
  });

  it.each([
    [{ MINI_LLM_MODELS: '{not json' }, 'MINI_LLM_MODELS'],
    [{ MINI_LLM_MODELS: '[]' }, 'MINI_LLM_MODELS'],
    [{ MINI_LLM_MODELS: '{"x":"nosuch/model"}' }, 'MINI_LLM_MODELS'],
    [{ MINI_LLM_MODELS: '{"x":"no-slash"}' }, 'MINI_LLM_MODELS'],
    [{ MINI_LLM_MODELS: '{"x":42}' }, 'MINI_LLM_MODELS'],
    [{ OPENAI_BASE_URL: 'not a url' }, 'OPENAI_BASE_URL'],
    [{ ANTHROPIC_BASE_URL: 'ftp://x' }, 'ANTHROPIC_BASE_URL'],
    [{ CUSTOM_PROVIDER_URL: '::' }, 'CUSTOM_PROVIDER_URL'],
    [{ OPENAI_BASE_URL: 'https://h.example/v1?api-version=1' }, 'OPENAI_BASE_URL'],
    [{ NEBIUS_BASE_URL: 'https://h.example/v1#x' }, 'NEBIUS_BASE_URL'],
    [{ MINI_LLM_TIMEOUT_MS: 'soon' }, 'MINI_LLM_TIMEOUT_MS'],
    [{ MINI_LLM_PORT: 'abc' }, 'MINI_LLM_PORT'],
    [{ MINI_LLM_PORT: '70000' }, 'MINI_LLM_PORT'],
    [{ MINI_LLM_TIMEOUT_MS: '-5' }, 'MINI_LLM_TIMEOUT_MS'],
    [{ MINI_LLM_MAX_BODY_BYTES: '1.5' }, 'MINI_LLM_MAX_BODY_BYTES'],
    [{ MINI_LLM_MAX_STREAM_STATE_BYTES: '8MiB' }, 'MINI_LLM_MAX_STREAM_STATE_BYTES'],
    [{ MINI_LLM_LOG: 'loud' }, 'MINI_LLM_LOG'],
    [{ MINI_LLM_ALLOW_UNAUTHENTICATED: 'yes' }, 'MINI_LLM_ALLOW_UNAUTHENTICATED'],
    [{ MINI_LLM_PROVIDERS: '{"x":{}}' }, 'MINI_LLM_PROVIDERS'],
  ])('rejects %j naming %s', (env, variable) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable.startsWith(variable)).toBe(true);
    expect((err as Error).message).toContain(variable);
  });

  it.each([
    [{ MINI_LLM_LOG: 'loud' }, 'MINI_LLM_LOG: must be one of silent, info, debug, got "loud"'],
    [{ MINI_LLM_ALLOW_UNAUTHENTICATED: 'yes' }, 'MINI_LLM_ALLOW_UNAUTHENTICATED: must be one of true, false, 1, 0, got "yes"'],
    [{ MINI_LLM_ANTHROPIC_CACHE: 'always' }, 'MINI_LLM_ANTHROPIC_CACHE: must be auto or off, got "always"'],
    [{ MINI_LLM_PROVIDERS: '{"x":{"baseUrl":"http://127.0.0.1:1","kind":"bedrock"}}' }, 'MINI_LLM_PROVIDERS: provider x: kind must be one of openai-compatible, anthropic, gemini, got "bedrock"'],
    [{ MINI_LLM_PROVIDERS: '{"x":{"baseUrl":"http://127.0.0.1:1","auth":"basic"}}' }, 'MINI_LLM_PROVIDERS: provider x: auth must be one of bearer, x-api-key, x-goog-api-key, none, got "basic"'],
    [{ MINI_LLM_PROVIDERS: '{"x":{"baseUrl":"http://127.0.0.1:1","responses":"yes"}}' }, 'MINI_LLM_PROVIDERS: provider x: responses must be true or false, got "yes"'],
  ])('a setting outside its choices names them and what it got: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(message);
  });

  it('reads Worker [vars] that are numbers, booleans or JSON objects as the text they stand for', () => {
    const c = loadConfig({ MINI_LLM_TIMEOUT_MS: 60000, MINI_LLM_ALLOW_UNAUTHENTICATED: true, MINI_LLM_MODELS: { fast: 'groq/llama-3.3-70b-versatile' } });
    expect(c.timeoutMs).toBe(60000);
    expect(c.allowUnauthenticated).toBe(true);
    expect(c.aliases.get('fast')).toEqual({ provider: 'groq', model: 'llama-3.3-70b-versatile' });
    expect(() => loadConfig({ MINI_LLM_MODELS: ['x'] })).toThrowError(/MINI_LLM_MODELS/);
  });

  it('parses gateway keys as a comma-separated list', () => {
    expect(loadConfig({ MINI_LLM_API_KEY: ' key-aaaa, key-bbbb ,,key-cccc' }).apiKeys).toEqual(['key-aaaa', 'key-bbbb', 'key-cccc']);
  });
});

describe('resolveModel', () => {
  const config = loadConfig({ OPENAI_API_KEY: 'k-test-key', NEBIUS_API_KEY: 'k-test-key', CUSTOM_PROVIDER_URL: 'http://127.0.0.1:1', CUSTOM_PROVIDER_KEY: 'k-test-key' });

  it.each([
    ['gpt-4o', 'openai', 'gpt-4o', 'gpt-4o'],
    ['llama-70b', 'nebius', 'meta-llama/Llama-3.3-70B-Instruct', 'llama-70b'],
    ['custom/my-model', 'custom', 'my-model', null],
    ['nebius/Qwen/Qwen3-235B-A22B-Instruct-2507', 'nebius', 'Qwen/Qwen3-235B-A22B-Instruct-2507', null],
    ['openai/gpt-4o', 'openai', 'gpt-4o', null],
  ])('%s → %s / %s', (model, provider, upstream, alias) => {
    const r = resolveModel(config, model);
    expect([r.provider.id, r.upstreamModel, r.alias]).toEqual([provider, upstream, alias]);
  });

  it.each([
    ['nope', 'model_not_found'],
    ['unknown/model', 'model_not_found'],
    ['openai/', 'model_not_found'],
    ['claude-sonnet', 'provider_not_configured'],
    ['deepinfra/x', 'provider_not_configured'],
  ])('%s → %s', (model, code) => {
    expect(() => resolveModel(config, model)).toThrowError(expect.objectContaining({ code }));
  });

  it('names the variable to set when a provider is not configured', () => {
    expect(() => resolveModel(config, 'claude-sonnet')).toThrowError(/ANTHROPIC_API_KEY/);
  });
});
