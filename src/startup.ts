/** What Node and Bun say on stderr at start-up: no provider configured; exposed without a gateway key. */
import type { Config } from './config.js';

export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const enabled = [...config.providers.values()].filter((p) => p.enabled);
  if (enabled.length === 0) {
    warnings.push(
      'mini-llm gateway: no provider is configured, so no model is available. Set at least one of ' +
        'OPENAI_API_KEY, ANTHROPIC_API_KEY, NEBIUS_API_KEY, DEEPINFRA_API_KEY, CUSTOM_PROVIDER_URL + CUSTOM_PROVIDER_KEY ' +
        '(see README, "Configuration").',
    );
  }
  if (!isLoopback(config.host) && config.apiKeys.length === 0) {
    warnings.push(`mini-llm gateway: WARNING: listening on ${config.host} with no gateway key; anyone who can reach it can use your provider keys. Set MINI_LLM_API_KEY.`);
  }
  return warnings;
}
