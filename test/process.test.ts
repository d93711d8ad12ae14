/**
 * The gateway as a real child process (CONTRACT §7): start line, port fallback, start-up without
 * providers, invalid config, logs without secrets, graceful shutdown on signals and IPC disconnect.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startupWarnings } from '../src/startup.js';
import { loadConfig } from '../src/config.js';
import { KEYS, ROOT, post, readEvents, spawnGateway } from './helpers.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';
import { RUNTIMES, systemNode } from './runtimes.js';

const nodeArgs = ['--import', 'tsx', 'src/index.ts'];
let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock?.close();
});

describe('start-up', () => {
  it('prints the start line first, and moves to the next free port when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const gw = await spawnGateway(systemNode(), nodeArgs, { MINI_LLM_PORT: String(taken), OPENAI_API_KEY: 'k-test-key' });
    try {
      const port = Number(new URL(gw.url).port);
      expect(port).toBeGreaterThan(taken);
      expect(port).toBeLessThanOrEqual(taken + 20);
      expect(gw.stdout().split('\n')[0]).toBe(`mini-llm gateway listening on ${gw.url}`);
      expect((await fetch(`${gw.url}/health`)).status).toBe(200);
    } finally {
      await gw.stop();
      blocker.close();
    }
  });

  it('starts with no provider key: /health works, no models, stderr says what to set', async () => {
    const gw = await spawnGateway(systemNode(), nodeArgs, {});
    try {
      expect((await fetch(`${gw.url}/health`)).status).toBe(200);
      expect((await (await fetch(`${gw.url}/v1/models`)).json()).data).toEqual([]);
      expect(gw.stderr()).toContain('OPENAI_API_KEY');
      expect(gw.stderr()).toContain('ANTHROPIC_API_KEY');
    } finally {
      await gw.stop();
    }
  });

  it('refuses to start on invalid configuration, naming the variable', async () => {
    const child = spawn(systemNode(), nodeArgs, { cwd: ROOT, env: { PATH: process.env.PATH, MINI_LLM_MODELS: '{broken' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('MINI_LLM_MODELS');
    expect(err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('warns when bound beyond loopback without a gateway key', () => {
    expect(startupWarnings(loadConfig({ OPENAI_API_KEY: 'k-test-key', MINI_LLM_HOST: '0.0.0.0' })).join('\n')).toContain('MINI_LLM_API_KEY');
    expect(startupWarnings(loadConfig({ OPENAI_API_KEY: 'k-test-key', MINI_LLM_HOST: '0.0.0.0', MINI_LLM_API_KEY: 'g-test-key' }))).toEqual([]);
    expect(startupWarnings(loadConfig({ OPENAI_API_KEY: 'k-test-key' }))).toEqual([]);
  });
});

describe('logs and secrets', () => {
  it('one JSON line per request on stderr; no key anywhere in stdout, stderr or responses', async () => {
    const gatewayKey = 'gw-secret-key-9f8e7d6c';
    const gw = await spawnGateway(systemNode(), nodeArgs, { ...mock.env, ...KEYS, MINI_LLM_API_KEY: gatewayKey, MINI_LLM_LOG: 'info' });
    const seen: string[] = [];
    const auth = { authorization: `Bearer ${gatewayKey}` };
    try {
      const calls: Array<[unknown, Record<string, string>]> = [
        [{ model: 'gpt-4o', messages: [] }, auth],
        [{ model: 'gpt-4o', stream: true, messages: [] }, { ...auth, 'x-request-id': 'trace-me-1' }],
        [{ model: 'claude-sonnet', stream: true, messages: [{ role: 'user', content: 'hi' }] }, auth],
        [{ model: 'openai/leak', messages: [] }, auth],
        [{ model: 'anthropic/leak', messages: [{ role: 'user', content: 'hi' }] }, auth],
        [{ model: 'openai/status:401:openai-error-401.json', messages: [] }, auth],
        [{ model: 'nosuch', messages: [] }, auth],
        [{ model: 'gpt-4o', messages: [] }, { authorization: 'Bearer wrong' }],
        ['{broken', auth],
      ];
      for (const [body, headers] of calls) {
        const res = await post(gw.url, body, headers);
        seen.push(JSON.stringify([...res.headers]), await res.text());
      }
      // Lines are buffered for at most a turn of the event loop: they are there while the gateway runs.
      const t0 = Date.now();
      while (gw.stderr().split('\n').filter((l) => l.startsWith('{')).length < calls.length && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 20));
      expect(gw.stderr().split('\n').filter((l) => l.startsWith('{'))).toHaveLength(calls.length);
      const leak = JSON.parse(seen[7]);
      expect(leak.error.message).toContain('[redacted]');
    } finally {
      await gw.stop();
    }
    const everything = [gw.stdout(), gw.stderr(), ...seen].join('\n');
    for (const secret of [...Object.values(KEYS), gatewayKey]) expect(everything).not.toContain(secret);

    const lines = gw.stderr().split('\n').filter((l) => l.startsWith('{'));
    const logs = lines.map((l) => JSON.parse(l));
    expect(logs).toHaveLength(9);
    const streamed = logs.find((l) => l.request_id === 'trace-me-1');
    expect(streamed).toMatchObject({ method: 'POST', path: '/v1/chat/completions', model: 'gpt-4o', alias: 'gpt-4o', provider: 'openai', upstream_status: 200, status: 200, stream: true, outcome: 'ok' });
    expect(streamed.bytes).toBeGreaterThan(1000);
    expect(streamed.ttfb_ms).toBeGreaterThanOrEqual(0);
    expect(streamed.duration_ms).toBeGreaterThanOrEqual(streamed.ttfb_ms);
    expect(logs.find((l) => l.model === 'nosuch')).toMatchObject({ status: 400, error_code: 'model_not_found' });
    expect(logs.filter((l) => l.status === 401)).toHaveLength(4);
    expect(logs.find((l) => l.model === 'openai/leak')).toMatchObject({ status: 401, upstream_status: 401, provider: 'openai', error_code: 'invalid_api_key' });
  });
});

describe('shutdown at the drain limit (Node)', () => {
  it('a stream still open at the limit is cut, logged once, and the process exits 0', async () => {
    const gw = await spawnGateway(systemNode(), ['--import', 'tsx', 'test/drain-child.ts'], { ...mock.env, ...KEYS, MINI_LLM_LOG: 'info' });
    const res = await post(gw.url, { model: 'openai/hang-after:2', stream: true, messages: [] }, { 'x-request-id': 'cut-at-drain-limit' });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    const t0 = Date.now();
    expect(await gw.stop(5000)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000); // the 300 ms limit, not the 5 s SIGKILL fallback
    await reader.cancel().catch(() => {});
    const logged = gw.stderr().split('\n').filter((l) => l.includes('"cut-at-drain-limit"'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ outcome: 'client_closed', stream: true, status: 200 });
  });
});

describe.each(RUNTIMES.filter((r) => r.name !== 'workerd'))('shutdown on $name', (runtime) => {
  it('SIGTERM lets an in-flight stream finish, refuses new connections, exits 0, and loses no log line', async () => {
    const gw = await runtime.start({ ...mock.env, ...KEYS, MINI_LLM_LOG: 'info' });
    const res = await post(gw.url, { model: 'openai/slow:150', stream: true, messages: [] }, { 'x-request-id': 'in-flight-at-sigterm' });
    const reading = readEvents(res);
    await new Promise((r) => setTimeout(r, 200));
    const exitCode = gw.stop();
    await new Promise((r) => setTimeout(r, 100));
    const refused = await fetch(`${gw.url}/health`).then(
      () => false,
      () => true,
    );
    const { data } = await reading;
    expect(data).toHaveLength(7);
    expect(data.at(-1)).toBe('[DONE]');
    const stoppedAt = Date.now();
    expect(await exitCode).toBe(0);
    // It exits as soon as the stream is done, not at the end of the 10 s drain limit.
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
    expect(refused).toBe(true);
    // The stream is logged when it ends, moments before the exit: the buffered line is written all the same.
    const logged = gw.stderr().split('\n').filter((l) => l.includes('"in-flight-at-sigterm"'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ outcome: 'ok', status: 200, stream: true });
  });
});

describe('IPC', () => {
  it('shuts down when the parent disconnects the IPC channel', async () => {
    const gw = await spawnGateway(systemNode(), nodeArgs, { OPENAI_API_KEY: 'k-test-key' }, { ipc: true });
    gw.child.disconnect();
    const code = await Promise.race([gw.exited, new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
    if (code === 'timeout') await gw.stop();
    expect(code).toBe(0);
  });
});
