/** Providers as data: the presets, MINI_LLM_PROVIDERS, and each reachable through aliases and `<provider>/<model>`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { BUILTIN_PROVIDERS } from '../src/providers/table.js';
import { post, startGateway, type RunningGateway } from './helpers.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';

describe('preset table', () => {
  it.each([
    ['groq', 'GROQ_API_KEY', 'https://api.groq.com/openai/v1'],
    ['together', 'TOGETHER_API_KEY', 'https://api.together.xyz/v1'],
    ['fireworks', 'FIREWORKS_API_KEY', 'https://api.fireworks.ai/inference/v1'],
    ['openrouter', 'OPENROUTER_API_KEY', 'https://openrouter.ai/api/v1'],
    ['mistral', 'MISTRAL_API_KEY', 'https://api.mistral.ai/v1'],
    ['xai', 'XAI_API_KEY', 'https://api.x.ai/v1'],
    ['deepseek', 'DEEPSEEK_API_KEY', 'https://api.deepseek.com'],
    ['moonshot', 'MOONSHOT_API_KEY', 'https://api.moonshot.ai/v1'],
    ['zai', 'ZAI_API_KEY', 'https://api.z.ai/api/paas/v4'],
    ['minimax', 'MINIMAX_API_KEY', 'https://api.minimax.io/v1'],
    ['cerebras', 'CEREBRAS_API_KEY', 'https://api.cerebras.ai/v1'],
  ])('%s is enabled by %s and defaults to %s', (id, keyVar, base) => {
    expect(loadConfig({}).providers.get(id)).toMatchObject({ enabled: false, baseUrl: base, chatUrl: `${base}/chat/completions`, enableHint: keyVar });
    expect(loadConfig({ [keyVar]: 'k-test-key' }).providers.get(id)).toMatchObject({ enabled: true, apiKey: 'k-test-key', auth: 'bearer' });
  });

  it('ollama needs no key: enabled when OLLAMA_BASE_URL is set', () => {
    expect(loadConfig({}).providers.get('ollama')).toMatchObject({ enabled: false, baseUrl: 'http://127.0.0.1:11434/v1' });
    expect(loadConfig({ OLLAMA_BASE_URL: 'http://127.0.0.1:11500/v1' }).providers.get('ollama')).toMatchObject({ enabled: true, apiKey: undefined, auth: 'none' });
  });

  it('every row follows the naming rule <ID>_API_KEY / <ID>_BASE_URL', () => {
    for (const spec of BUILTIN_PROVIDERS) {
      const id = spec.id.toUpperCase();
      const p = loadConfig({ [`${id}_API_KEY`]: 'k-test-key', [`${id}_BASE_URL`]: 'http://127.0.0.1:9/x' }).providers.get(spec.id)!;
      expect(p.enabled).toBe(true);
      expect(p.baseUrl).toBe('http://127.0.0.1:9/x');
    }
  });

  it('MINI_LLM_PROVIDERS adds a provider with its own key variable, or a keyless one', () => {
    const c = loadConfig({
      MINI_LLM_PROVIDERS: JSON.stringify({ myvllm: { baseUrl: 'http://127.0.0.1:8000/v1', apiKeyEnv: 'MYVLLM_KEY' }, local: { baseUrl: 'http://127.0.0.1:8001/v1' }, claude2: { baseUrl: 'http://127.0.0.1:8002', kind: 'anthropic', apiKeyEnv: 'C2' } }),
      MYVLLM_KEY: 'secret-vllm',
      C2: 'c2-key-1234',
    });
    expect(c.providers.get('myvllm')).toMatchObject({ enabled: true, apiKey: 'secret-vllm', auth: 'bearer', chatUrl: 'http://127.0.0.1:8000/v1/chat/completions' });
    expect(c.providers.get('local')).toMatchObject({ enabled: true, apiKey: undefined, auth: 'none' });
    expect(c.providers.get('claude2')).toMatchObject({ kind: 'anthropic', auth: 'x-api-key', chatUrl: 'http://127.0.0.1:8002/v1/messages' });
    expect(c.secrets).toContain('secret-vllm');
  });

  it('MINI_LLM_PROVIDERS with an apiKeyEnv that is unset leaves the provider unconfigured, naming the variable', () => {
    const c = loadConfig({ MINI_LLM_PROVIDERS: '{"myvllm":{"baseUrl":"http://127.0.0.1:8000/v1","apiKeyEnv":"MYVLLM_KEY"}}' });
    expect(c.providers.get('myvllm')).toMatchObject({ enabled: false, enableHint: 'MYVLLM_KEY' });
  });

  it('MINI_LLM_PROVIDERS overrides a built-in row', () => {
    const c = loadConfig({ MINI_LLM_PROVIDERS: '{"openai":{"baseUrl":"http://127.0.0.1:7000/v1"}}', OPENAI_API_KEY: 'k-test-key' });
    expect(c.providers.get('openai')).toMatchObject({ enabled: true, baseUrl: 'http://127.0.0.1:7000/v1', apiKey: 'k-test-key' });
  });

  it('each preset carries its reasoning carrier; custom and added providers read `reasoning` (vLLM)', () => {
    const c = loadConfig({ CUSTOM_PROVIDER_URL: 'http://127.0.0.1:9', CUSTOM_PROVIDER_KEY: 'k-test-key', MINI_LLM_PROVIDERS: '{"vllm":{"baseUrl":"http://127.0.0.1:8000/v1"}}' });
    const carriers = Object.fromEntries([...c.providers].map(([id, p]) => [id, p.reasoning]));
    expect(carriers).toEqual({
      openai: 'none', anthropic: 'none', gemini: 'none', nebius: 'reasoning_content', deepinfra: 'reasoning_content', groq: 'none', together: 'reasoning',
      fireworks: 'reasoning_content', openrouter: 'reasoning_details', mistral: 'none', xai: 'none', deepseek: 'reasoning_content',
      moonshot: 'reasoning_content', zai: 'reasoning_content', minimax: 'reasoning_details', cerebras: 'none', ollama: 'reasoning',
      custom: 'reasoning', vllm: 'reasoning',
    });
  });

  it('MINI_LLM_PROVIDERS sets the carrier per provider; an override without it keeps the preset one', () => {
    const c = loadConfig({
      MINI_LLM_PROVIDERS: JSON.stringify({ vllm: { baseUrl: 'http://127.0.0.1:8000/v1', reasoning: 'reasoning_content' }, groq: { reasoning: 'reasoning' }, deepseek: { baseUrl: 'http://127.0.0.1:8001' }, kimi: { baseUrl: 'http://127.0.0.1:8002/v1', reasoning: 'none' } }),
    });
    expect(c.providers.get('vllm')!.reasoning).toBe('reasoning_content');
    expect(c.providers.get('groq')!.reasoning).toBe('reasoning');
    expect(c.providers.get('deepseek')).toMatchObject({ reasoning: 'reasoning_content', baseUrl: 'http://127.0.0.1:8001' });
    expect(c.providers.get('kimi')!.reasoning).toBe('none');
  });

  it.each([['"thinking"'], ['true'], ['null'], ['["none"]']])('refuses reasoning: %s, naming the variable and the provider', (value) => {
    expect(() => loadConfig({ MINI_LLM_PROVIDERS: `{"myvllm":{"baseUrl":"http://127.0.0.1:1/v1","reasoning":${value}}}` })).toThrowError(
      /^MINI_LLM_PROVIDERS: provider myvllm: reasoning must be one of reasoning_content, reasoning, reasoning_details, none, got /,
    );
  });

  it.each([
    ['{"bad id!":{"baseUrl":"http://x"}}'],
    ['{"p":{"baseUrl":"nope"}}'],
    ['{"p":{"baseUrl":"http://x","kind":"soap"}}'],
    ['{"p":{"baseUrl":"http://x","auth":"magic"}}'],
    ['{"p":"http://x"}'],
  ])('rejects %s naming MINI_LLM_PROVIDERS', (value) => {
    expect(() => loadConfig({ MINI_LLM_PROVIDERS: value })).toThrowError(/MINI_LLM_PROVIDERS/);
  });
});

describe('added providers on the wire', () => {
  let mock: MockProvider;
  let gw: RunningGateway;
  beforeAll(async () => {
    mock = await startMockProvider();
    gw = await startGateway({
      GROQ_API_KEY: 'groq-key-123456',
      GROQ_BASE_URL: `${mock.url}/openai/v1`,
      MINI_LLM_PROVIDERS: JSON.stringify({ myvllm: { baseUrl: `${mock.url}/nebius/v1`, apiKeyEnv: 'MYVLLM_KEY' }, local: { baseUrl: `${mock.url}/custom/v1` } }),
      MYVLLM_KEY: 'vllm-key-123456',
      MINI_LLM_MODELS: '{"fast":"groq/llama-3.3-70b-versatile","mine":"myvllm/Qwen/Qwen3-8B"}',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });
  const last = () => mock.requests[mock.requests.length - 1];

  it.each([
    ['fast', '/openai/v1/chat/completions', 'Bearer groq-key-123456', 'llama-3.3-70b-versatile'],
    ['groq/openai/gpt-oss-20b', '/openai/v1/chat/completions', 'Bearer groq-key-123456', 'openai/gpt-oss-20b'],
    ['mine', '/nebius/v1/chat/completions', 'Bearer vllm-key-123456', 'Qwen/Qwen3-8B'],
    ['local/any-model', '/custom/v1/chat/completions', undefined, 'any-model'],
  ])('%s → %s', async (model, path, auth, upstream) => {
    const res = await post(gw.url, { model, messages: [] });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(last()).toMatchObject({ path, body: { model: upstream } });
    expect(last().headers.authorization).toBe(auth);
  });
});
