/**
 * What Node and Bun say on stderr at start-up: no provider configured; exposed without a gateway key; a provider
 * key taken as a placeholder, not a secret.
 */
import { MIN_KEY_LENGTH, type Config, type PlaceholderKey } from './config.js';

export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const enabled = [...config.providers.values()].filter((p) => p.enabled);
  if (enabled.length === 0) {
    warnings.push(
      'mini-llm gateway: no provider is configured, so no model is available. Set at least one of ' +
        'OPENAI_API_KEY, ANTHROPIC_API_KEY, NEBIUS_API_KEY, DEEPINFRA_API_KEY, CUSTOM_PROVIDER_URL + CUSTOM_PROVIDER_KEY ' +
        '(see docs/configuration.md).',
    );
  }
  if (!isLoopback(config.host) && config.apiKeys.length === 0) {
    warnings.push(`mini-llm gateway: WARNING: listening on ${config.host} with no gateway key; anyone who can reach it can use your provider keys. Set MINI_LLM_API_KEY.`);
  }
  for (const p of config.placeholderKeys) warnings.push(placeholderWarning(p, config.providers.get(p.provider)?.baseUrl));
  return warnings;
}

/** Never the key itself: a short key on a local server may still be a password of sorts. */
function placeholderWarning(p: PlaceholderKey, baseUrl: string | undefined): string {
  const why =
    p.reason === 'placeholder'
      ? 'is a known placeholder key'
      : `is shorter than ${MIN_KEY_LENGTH} characters and provider ${p.provider} is on a local or private address (${baseUrl === undefined ? '?' : new URL(baseUrl).host})`;
  return `mini-llm gateway: ${p.variable} ${why}, so it is not treated as a secret: it is sent to provider ${p.provider} but not redacted from errors and logs.`;
}
