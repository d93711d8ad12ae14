/** Bun entry: `npm run start:bun` (`bun src/bun.ts`). Same port rules, start line and shutdown as Node. */
import { createApp, platformFetch } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { fastRouter } from './fast-router.js';
import { startupWarnings } from './startup.js';
import { processStderrSink } from './stderr-log.js';

declare const Bun: {
  serve(options: { fetch: (req: Request) => Response | Promise<Response>; hostname: string; port: number; idleTimeout?: number; maxRequestBodySize?: number }): {
    port: number;
    hostname: string;
    url: URL;
    stop(closeActiveConnections?: boolean): Promise<void>;
  };
};

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`mini-llm gateway: invalid configuration: ${err.message}`);
  process.exit(1);
}

/**
 * Bun's `fetch` inflates a gzip/br/zstd body as it arrives, even one the gateway then refuses unread (it asks
 * for identity): `decompress: false` keeps the body as sent, so an encoded answer is refused from its headers.
 */
const app = createApp(config, { logSink: processStderrSink(), fetch: platformFetch({ decompress: false }), router: fastRouter() });
/**
 * Bun's own request-body cap (default 128 MiB) is lifted: it answers a bare 413 (or closes the socket) for any
 * declared content-length over it before the app sees the request. MINI_LLM_MAX_BODY_BYTES is the one limit:
 * the app refuses a declared length over it before reading a byte, counts a chunked body, and Bun drops what
 * a refused client still sends.
 */
const MAX_REQUEST_BODY = Number.MAX_SAFE_INTEGER;
let server: ReturnType<typeof Bun.serve> | undefined;
let lastError: unknown;
for (let i = 0; i < (config.port === 0 ? 1 : 21) && !server; i++) {
  try {
    // idleTimeout: the longest Bun allows; upstream silence is governed by MINI_LLM_TIMEOUT_MS instead.
    server = Bun.serve({ fetch: app.fetch, hostname: config.host, port: config.port + i, idleTimeout: 255, maxRequestBodySize: MAX_REQUEST_BODY });
  } catch (err) {
    lastError = err;
    if ((err as { code?: string }).code !== 'EADDRINUSE') break;
  }
}
if (!server) {
  console.error(`mini-llm gateway: cannot listen on ${config.host}:${config.port}: ${(lastError as Error)?.message}`);
  process.exit(1);
}
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // At the drain limit, streams still open are cut (which ends and logs each) just before the exit.
  setTimeout(() => {
    server!.stop(true);
    setTimeout(() => process.exit(0), 100);
  }, 10_000).unref();
  server!.stop(false).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
if (process.send) process.once('disconnect', stop);

const host = server.hostname.includes(':') ? `[${server.hostname}]` : server.hostname;
process.stdout.write(`mini-llm gateway listening on http://${host}:${server.port}\n`);
for (const w of startupWarnings(config)) console.error(w);

