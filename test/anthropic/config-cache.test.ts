/** MINI_LLM_ANTHROPIC_CACHE: `auto` reaches Anthropic-kind providers only; anything but auto/off stops start-up. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('MINI_LLM_ANTHROPIC_CACHE', () => {
  it('auto: every Anthropic-kind provider (built-in and added) gets it, no other kind', () => {
    const config = loadConfig({
      MINI_LLM_ANTHROPIC_CACHE: 'auto',
      MINI_LLM_PROVIDERS: JSON.stringify({ claude2: { kind: 'anthropic', baseUrl: 'http://127.0.0.1:9', apiKeyEnv: 'C2' } }),
    });
    expect(config.providers.get('anthropic')?.anthropicCache).toBe('auto');
    expect(config.providers.get('claude2')?.anthropicCache).toBe('auto');
    expect(config.providers.get('openai')?.anthropicCache).toBeUndefined();
    expect(Object.isFrozen(config.providers.get('anthropic'))).toBe(true);
  });

  it.each([undefined, 'off'])('%s: no automatic caching', (value) => {
    const config = loadConfig(value === undefined ? {} : { MINI_LLM_ANTHROPIC_CACHE: value });
    expect(config.providers.get('anthropic')?.anthropicCache).toBeUndefined();
  });

  it('another value is a ConfigError naming the variable', () => {
    expect(() => loadConfig({ MINI_LLM_ANTHROPIC_CACHE: 'always' })).toThrow(ConfigError);
    expect(() => loadConfig({ MINI_LLM_ANTHROPIC_CACHE: 'always' })).toThrow(/MINI_LLM_ANTHROPIC_CACHE: must be auto or off/);
  });
});
