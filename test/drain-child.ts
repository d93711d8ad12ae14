/**
 * The Node gateway as its entry starts it, but with a 300 ms drain limit instead of 10 s, so that a test can
 * watch what happens to streams still open at the limit (test/process.test.ts).
 */
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { installShutdown, listen } from '../src/node/serve.js';
import { createNodeUpstreamFetch } from '../src/node/upstream-client.js';
import { processStderrSink } from '../src/stderr-log.js';

const config = loadConfig(process.env);
const app = createApp(config, { fetch: createNodeUpstreamFetch(), logSink: processStderrSink() });
const { server, url } = await listen(app.fetch, config.host, config.port);
installShutdown(server, 300);
process.stdout.write(`mini-llm gateway listening on ${url}\n`);
