/** Start the gateway on Node: config from the environment, listen, print the start line, handle signals. */
import { createApp, type AppOptions } from '../app.js';
import { ConfigError, loadConfig, type Config, type EnvRecord } from '../config.js';
import { fastRouter } from '../fast-router.js';
import { startupWarnings } from '../startup.js';
import { processStderrSink } from '../stderr-log.js';
import { installShutdown, listen } from './serve.js';

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
  const app = createApp(config, { logSink: processStderrSink(), router: fastRouter(), ...options });
  const { server, url } = await listen(app.fetch, config.host, config.port);
  // Signal handlers first: a parent may send SIGTERM as soon as it reads the start line.
  installShutdown(server);
  process.stdout.write(`mini-llm gateway listening on ${url}\n`);
  for (const w of startupWarnings(config)) console.error(w);
  return { server, url, config };
}
