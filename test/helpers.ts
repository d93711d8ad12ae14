/** Test helpers: start the gateway in-process or as a real child process, and read SSE. */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import { createApp, type AppOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { GatewayError } from '../src/errors.js';
import { listen } from '../src/node/serve.js';
import { createNodeUpstreamFetch } from '../src/node/upstream-client.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';
import { startChatUpstream } from './mocks/chat-upstream.js';
import type { Loopback } from './mocks/loopback.js';
import { startResponsesUpstream } from './mocks/responses-upstream.js';

export const ROOT = new URL('..', import.meta.url).pathname;

export interface RunningGateway {
  url: string;
  logs: string[];
  close(): Promise<void>;
}

/** The gateway in this process, on a free loopback port; `seen`, when given, gets a copy of each request it serves. */
export async function startGateway(env: Record<string, string>, options: AppOptions = {}, seen?: (request: Request) => void): Promise<RunningGateway> {
  const logs: string[] = [];
  const config = loadConfig({ MINI_LLM_LOG: 'info', ...env });
  // The same upstream client as the Node entry (undici), so in-process tests cover it.
  const app = createApp(config, { logSink: (l) => logs.push(l), fetch: createNodeUpstreamFetch(), ...options });
  const handler = seen ? (request: Request) => (seen(request.clone()), app.fetch(request)) : app.fetch;
  const { server, url } = await listen(handler, '127.0.0.1', 0);
  return {
    url,
    logs,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A loopback server the tests of a file (or describe block) share: started in beforeAll, closed in afterAll.
 * Returns its getter; call it inside tests and hooks (the server exists once beforeAll ran).
 */
export function sharedServer<T extends { close(): Promise<unknown> }>(start: () => Promise<T>): () => T {
  let server: T | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('sharedServer: used before its beforeAll ran');
    return server;
  };
}

/** Run `fn` against a gateway started for it alone, and stop that gateway afterwards. */
export async function withGateway<T>(env: Record<string, string>, fn: (gw: RunningGateway) => Promise<T>): Promise<T> {
  const gw = await startGateway(env);
  try {
    return await fn(gw);
  } finally {
    await gw.close();
  }
}

export interface ChildGateway {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then wait for the exit; SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Children still running when the test process exits are killed, so no run leaves a gateway behind. */
const live = new Set<() => void>();
process.once('exit', () => live.forEach((kill) => kill()));

const START_LINE = /^mini-llm gateway listening on (http:\/\/\S+)$/m;

/** Spawn a gateway process and wait for its start line (CONTRACT §7). */
export function spawnGateway(
  command: string,
  args: string[],
  env: Record<string, string>,
  opts: { timeoutMs?: number; ipc?: boolean; ready?: RegExp; group?: boolean; cwd?: string } = {},
): Promise<ChildGateway> {
  const child = spawn(command, args, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', MINI_LLM_PORT: '0', ...env },
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    // A process group, so that stopping it also stops what it spawned (wrangler → workerd).
    detached: opts.group === true,
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (opts.group && child.pid) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  const ready = opts.ready ?? START_LINE;
  const killAll = () => signal('SIGKILL');
  live.add(killAll);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (!opts.group) live.delete(killAll);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal('SIGKILL');
      reject(new Error(`gateway did not start in time.\nstdout: ${out}\nstderr: ${err}`));
    }, opts.timeoutMs ?? 20_000);
    const onData = () => {
      const m = ready.exec(out) ?? (opts.ready ? ready.exec(err) : null);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      resolve({
        url: m[1],
        child,
        stdout: () => out,
        stderr: () => err,
        exited,
        async stop(graceMs = 12_000) {
          if (child.exitCode !== null || child.signalCode !== null) {
            if (opts.group) signal('SIGKILL');
            return child.exitCode;
          }
          signal('SIGTERM');
          const kill = setTimeout(() => signal('SIGKILL'), graceMs);
          const code = await exited;
          clearTimeout(kill);
          if (opts.group) signal('SIGKILL');
          return code;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (opts.group) signal('SIGKILL');
      reject(new Error(`gateway exited with ${code} before starting.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

export interface SseEvent {
  /** The `event:` name ('' without one). */
  event: string;
  /** The `data:` lines, joined and parsed as JSON. */
  data: any;
}

/**
 * Parse a whole SSE text: its events, and its comment lines (`: keep-alive`) apart. A block with lines but no
 * `data:` (and not only comments) is an error, as is data that is not JSON.
 */
export function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    let event = '';
    const data: string[] = [];
    let other = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else other = true;
    }
    if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) });
    else if (event !== '' || other) throw new Error(`SSE block without data: ${JSON.stringify(block.slice(0, 200))}`);
  }
  return { events, comments };
}

/** The GatewayError `fn` throws (a test failure when it throws nothing or something else). */
export function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return e as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

/** Read an SSE response, recording when each `data:` event arrived. */
export async function readEvents(res: Response): Promise<{ data: string[]; times: number[]; raw: string }> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let raw = '';
  const data: string[] = [];
  const times: number[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += value;
    raw += value;
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, i);
      buf = buf.slice(i + 2);
      for (const line of event.split('\n')) {
        if (line.startsWith('data: ')) {
          data.push(line.slice(6));
          times.push(Date.now());
        }
      }
    }
  }
  return { data, times, raw };
}

export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

export const KEYS = {
  OPENAI_API_KEY: 'sk-test-openai-0123456789',
  ANTHROPIC_API_KEY: 'sk-ant-test-0123456789',
  NEBIUS_API_KEY: 'nb-test-0123456789',
  DEEPINFRA_API_KEY: 'di-test-0123456789',
  CUSTOM_PROVIDER_KEY: 'custom-test-0123456789',
};

/** The three upstreams the /v1/responses tests route to, and the gateway env that names them. */
export interface ResponsesUpstreams {
  /** Speaks Responses: the `openai` provider (pass-through). */
  responses: Loopback;
  /** Chat only: the `chatonly` provider, alias `local` → `chatonly/qwen3-8b` (translated). */
  chat: Loopback;
  /** Anthropic: the `anthropic` provider (translated through chat). */
  anthropic: MockProvider;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startResponsesUpstreams(): Promise<ResponsesUpstreams> {
  const [responses, chat, anthropic] = await Promise.all([startResponsesUpstream(), startChatUpstream(), startMockProvider()]);
  return {
    responses,
    chat,
    anthropic,
    env: {
      OPENAI_API_KEY: KEYS.OPENAI_API_KEY,
      OPENAI_BASE_URL: `${responses.url}/v1`,
      ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY,
      ANTHROPIC_BASE_URL: anthropic.env.ANTHROPIC_BASE_URL,
      MINI_LLM_PROVIDERS: JSON.stringify({ chatonly: { baseUrl: `${chat.url}/v1` } }),
      MINI_LLM_MODELS: JSON.stringify({ local: 'chatonly/qwen3-8b' }),
    },
    close: async () => {
      await Promise.all([responses.close(), chat.close(), anthropic.close()]);
    },
  };
}
