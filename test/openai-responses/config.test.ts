/** The provider field `chatViaResponses`: chat requests through the Responses API, opted into per provider. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const provider = (env: Record<string, string>, id: string) => loadConfig(env).providers.get(id)!;
const providers = (entries: unknown) => ({ OPENAI_API_KEY: 'sk-test-0123456789', MINI_LLM_PROVIDERS: JSON.stringify(entries) });

describe('provider.chatViaResponses', () => {
  it('is off by default, for every built-in (chat passes through)', () => {
    const c = loadConfig({ OPENAI_API_KEY: 'sk-test-0123456789' });
    for (const p of c.providers.values()) expect(!!p.chatViaResponses, p.id).toBe(false);
  });

  it('is set in a MINI_LLM_PROVIDERS entry, for a built-in or a new provider that speaks Responses', () => {
    expect(provider(providers({ openai: { chatViaResponses: true } }), 'openai')).toMatchObject({ responses: true, chatViaResponses: true, baseUrl: 'https://api.openai.com/v1' });
    expect(provider(providers({ azure: { baseUrl: 'http://127.0.0.1:9/v1', responses: true, chatViaResponses: true } }), 'azure')).toMatchObject({ chatViaResponses: true, responsesUrl: 'http://127.0.0.1:9/v1/responses' });
    expect(provider(providers({ openai: { chatViaResponses: false } }), 'openai').chatViaResponses).toBe(false);
  });

  it.each([
    [{ plain: { baseUrl: 'http://127.0.0.1:9/v1', chatViaResponses: true } }, /chatViaResponses needs a provider that speaks the Responses API/],
    [{ openai: { responses: false, chatViaResponses: true } }, /chatViaResponses needs a provider that speaks the Responses API/],
    [{ claude2: { baseUrl: 'http://127.0.0.1:9', kind: 'anthropic', responses: true, chatViaResponses: true } }, /chatViaResponses needs/],
    [{ openai: { chatViaResponses: 'yes' } }, /chatViaResponses must be true or false/],
  ])('refuses %j, naming the variable', (entries, message) => {
    expect(() => loadConfig(providers(entries))).toThrow(ConfigError);
    expect(() => loadConfig(providers(entries))).toThrow(message);
    expect(() => loadConfig(providers(entries))).toThrow(/^MINI_LLM_PROVIDERS/);
  });
});
