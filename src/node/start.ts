/** Start the gateway on Node: config from the environment, listen, print the start line, handle signals. */
import { createApp, type AppOptions } from '../app.js';
import { ConfigError, loadConfig, type Config, type EnvRecord } from '../config.js';
import { installShutdown, isLoopback, listen } from './serve.js';

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

export async function startNode(env: EnvRecord, overrides: Partial<Pick<Config, 'host' | 'port'>> = {}, options: AppOptions = {}) {
  let config: Config;
  try {
    config = { ...loadConfig(env), ...overrides };
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`mini-llm gateway: invalid configuration: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const app = createApp(config, options);
  const { server, url } = await listen(app.fetch, config.host, config.port);
  // Signal handlers first: a parent may send SIGTERM as soon as it reads the start line.
  installShutdown(server);
  process.stdout.write(`mini-llm gateway listening on ${url}\n`);
  for (const w of startupWarnings(config)) console.error(w);
  return { server, url, config };
}
