/** Model resolution (src/models.ts), table-driven: exact alias, then `<provider>/`, then the longest wildcard. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { GatewayError } from '../src/errors.js';
import { lookupModel, resolveModel } from '../src/models.js';

const config = loadConfig({
  ANTHROPIC_API_KEY: 'sk-ant-0123456789',
  OPENAI_API_KEY: 'sk-0123456789',
  NEBIUS_API_KEY: 'nb-0123456789',
  MINI_LLM_MODELS: JSON.stringify({
    'claude-haiku-*': 'nebius/Qwen/Qwen3-8B', // longer than the default claude-*: wins for haiku names
    'claude-exact': 'openai/gpt-4o', // an exact alias that a wildcard would also match
    'qwen-*': 'nebius/Qwen/Qwen3-*-Instruct', // `*` inside the target
    'fixed-*': 'openai/gpt-4o-mini', // target without `*`: every match goes to one model
    'anthropic/*': 'openai/gpt-4o', // a wildcard that looks like a provider prefix: the prefix rule comes first
  }),
});

describe('resolveModel', () => {
  it.each([
    // [requested, provider, upstream model, alias]
    ['claude-sonnet', 'anthropic', 'claude-sonnet-4-6', 'claude-sonnet'], // default exact alias beats claude-*
    ['claude-exact', 'openai', 'gpt-4o', 'claude-exact'],
    ['claude-opus-5-5', 'anthropic', 'claude-opus-5-5', 'claude-*'], // default wildcard, `*` substituted
    ['claude-haiku-4-5', 'nebius', 'Qwen/Qwen3-8B', 'claude-haiku-*'], // the longest wildcard wins
    ['gpt-5.1-codex', 'openai', 'gpt-5.1-codex', 'gpt-*'],
    ['gpt-4o', 'openai', 'gpt-4o', 'gpt-4o'], // exact default alias
    ['qwen-235B-A22B', 'nebius', 'Qwen/Qwen3-235B-A22B-Instruct', 'qwen-*'],
    ['fixed-anything', 'openai', 'gpt-4o-mini', 'fixed-*'],
    ['anthropic/claude-x', 'anthropic', 'claude-x', null], // <provider>/ before any wildcard
    ['nebius/Qwen/Qwen3-8B', 'nebius', 'Qwen/Qwen3-8B', null],
  ])('%s → %s / %s (alias %s)', (model, provider, upstream, alias) => {
    const r = resolveModel(config, model);
    expect([r.provider.id, r.upstreamModel, r.alias]).toEqual([provider, upstream, alias]);
  });

  it.each([
    ['claude-', 'a wildcard needs at least one character after its prefix'],
    ['claude-x y', 'what a wildcard forwards has no whitespace'],
    ['unknown-model', 'nothing matches'],
  ])('%s is model_not_found (%s)', (model) => {
    expect(lookupModel(config, model)).toBeUndefined();
    expect(() => resolveModel(config, model)).toThrow(GatewayError);
  });

  it('a wildcard whose provider is not configured says what to set', () => {
    const bare = loadConfig({});
    let err: GatewayError | undefined;
    try {
      resolveModel(bare, 'claude-opus-5-5');
    } catch (e) {
      err = e as GatewayError;
    }
    expect(err?.code).toBe('provider_not_configured');
    expect(err?.message).toContain('ANTHROPIC_API_KEY');
  });

  it('one wildcard sends every Claude name to another model', () => {
    const c = loadConfig({ NEBIUS_API_KEY: 'nb-0123456789', MINI_LLM_MODELS: '{"claude-*":"nebius/Qwen/Qwen3-235B-A22B-Instruct-2507"}' });
    for (const name of ['claude-opus-5-5', 'claude-haiku-4-5-20251001']) {
      const r = resolveModel(c, name);
      expect([r.provider.id, r.upstreamModel]).toEqual(['nebius', 'Qwen/Qwen3-235B-A22B-Instruct-2507']);
    }
  });

  it.each([['{"a*b*":"openai/x"}'], ['{"a*":"openai/x*y*"}']])('rejects a malformed wildcard %s', (models) => {
    expect(() => loadConfig({ MINI_LLM_MODELS: models })).toThrow(ConfigError);
  });
});
