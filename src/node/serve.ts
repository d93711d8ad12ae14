/**
 * Node server plumbing, shared by the Node entry and the CLI: listen with port fallback (CONTRACT §2),
 * the start line (§7), and graceful shutdown on SIGTERM/SIGINT/IPC disconnect (§7).
 */
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withPushAnswers } from './push-answer.js';

export const PORT_ATTEMPTS = 21;
export const DRAIN_MS = 10_000;
const CLOSE_GRACE_MS = 100;

type FetchHandler = (request: Request) => Response | Promise<Response>;

function listenOnce(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Listen on `port`, or the next free one up to +20. Resolves with the server and its URL. */
export async function listen(fetch: FetchHandler, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createAdaptorServer({ fetch: withPushAnswers(fetch), hostname: host }) as Server;
  server.keepAliveTimeout = 65_000;
  let lastError: unknown;
  for (let i = 0; i < (port === 0 ? 1 : PORT_ATTEMPTS) && port + i <= 65535; i++) {
    try {
      await listenOnce(server, port + i, host);
      // A server error after start-up (EMFILE on accept, ...) is reported, never an uncaught exception.
      server.on('error', (err) => console.error(`mini-llm gateway: server error: ${err.message}`));
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { server, url: `http://${shownHost}:${address.port}` };
    } catch (err) {
      lastError = err;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
    }
  }
  throw lastError;
}

/** Stop accepting, let in-flight requests finish (at most DRAIN_MS), then exit 0. */
export function installShutdown(server: Server, drainMs = DRAIN_MS): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Exit on the next turn of the event loop, not inside 'close': the last connections' own 'close' handlers
    // (which end and log a stream cut at the drain limit) run first.
    server.close(() => setTimeout(() => process.exit(0), 0));
    // Keep-alive connections are closed as soon as they are idle, so in-flight requests alone hold the exit.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
    setTimeout(() => {
      // Streams still open at the limit are cut; their sockets' 'close' events (which end and log each stream)
      // run before the exit.
      server.closeAllConnections();
      setTimeout(() => process.exit(0), CLOSE_GRACE_MS);
    }, drainMs).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (process.send) process.once('disconnect', stop);
}
