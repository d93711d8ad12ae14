/** The provider field `responses`: who gets `/v1/responses` passed through, and how it is configured. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const provider = (env: Record<string, string>, id: string) => loadConfig(env).providers.get(id)!;

describe('provider.responses', () => {
  it('is on for openai only among the built-ins, with {base}/responses', () => {
    const env = { OPENAI_API_KEY: 'sk-test-0123456789', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' };
    expect(provider(env, 'openai')).toMatchObject({ responses: true, responsesUrl: 'http://127.0.0.1:9/v1/responses' });
    for (const id of ['anthropic', 'nebius', 'deepinfra', 'groq', 'together', 'fireworks', 'openrouter', 'mistral', 'xai', 'ollama']) {
      expect(provider(env, id).responses, id).toBe(false);
    }
  });

  it('is set per provider in MINI_LLM_PROVIDERS, for new and built-in rows', () => {
    const env = {
      OPENAI_API_KEY: 'sk-test-0123456789',
      MINI_LLM_PROVIDERS: JSON.stringify({ myvllm: { baseUrl: 'http://127.0.0.1:8000/v1', responses: true }, plain: { baseUrl: 'http://127.0.0.1:8001/v1' }, openai: { responses: false }, groq: { responses: true } }),
    };
    expect(provider(env, 'myvllm')).toMatchObject({ responses: true, responsesUrl: 'http://127.0.0.1:8000/v1/responses' });
    expect(provider(env, 'plain').responses).toBe(false);
    expect(provider(env, 'openai')).toMatchObject({ responses: false, baseUrl: 'https://api.openai.com/v1' });
    expect(provider(env, 'groq').responses).toBe(true);
  });

  it('is never on for an Anthropic-kind provider (it has no Responses API)', () => {
    const env = { MINI_LLM_PROVIDERS: JSON.stringify({ claude2: { baseUrl: 'http://127.0.0.1:9', kind: 'anthropic', responses: true } }) };
    expect(provider(env, 'claude2').responses).toBe(false);
  });

  it.each([['"yes"'], ['1'], ['null']])('refuses responses: %s, naming the variable', (value) => {
    const env = { MINI_LLM_PROVIDERS: `{"x":{"baseUrl":"http://127.0.0.1:1/v1","responses":${value}}}` };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/MINI_LLM_PROVIDERS.*responses must be true or false/);
  });
});
