/** The request log: its buffered sink (Node and Bun: lines written together, in order, promptly, and on exit), and what a line says. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { bufferedSink, createLogger } from '../src/log.js';

function harness(maxBytes?: number) {
  const writes: string[] = [];
  const queued: Array<() => void> = [];
  const sink = bufferedSink((t) => writes.push(t), (f) => queued.push(f), maxBytes);
  const turn = () => queued.splice(0).forEach((f) => f());
  return { writes, queued, sink, turn };
}

describe('bufferedSink', () => {
  it('writes the lines of one turn together, in order, each ending in a newline, after the turn', () => {
    const { writes, queued, sink, turn } = harness();
    sink('{"a":1}');
    sink('{"a":2}');
    sink('{"a":3}');
    expect(writes).toEqual([]);
    expect(queued).toHaveLength(1); // one scheduled flush, however many lines
    turn();
    expect(writes).toEqual(['{"a":1}\n{"a":2}\n{"a":3}\n']);
    sink('{"a":4}');
    turn();
    expect(writes).toEqual(['{"a":1}\n{"a":2}\n{"a":3}\n', '{"a":4}\n']);
  });

  it('writes at once when the pending text reaches maxBytes', () => {
    const { writes, sink, turn } = harness(20);
    sink('0123456789');
    expect(writes).toEqual([]);
    sink('0123456789');
    expect(writes).toEqual(['0123456789\n0123456789\n']);
    turn();
    expect(writes).toHaveLength(1); // nothing left for the scheduled flush
  });

  it('flush() writes what is pending now (exit), and nothing twice', () => {
    const { writes, sink, turn } = harness();
    sink('last');
    sink.flush();
    expect(writes).toEqual(['last\n']);
    turn();
    sink.flush();
    expect(writes).toEqual(['last\n']);
  });

  it('carries the logger: one JSON line per request, with its time', () => {
    const { writes, sink, turn } = harness();
    const logger = createLogger('info', sink);
    logger.request({ request_id: 'r1', method: 'POST', path: '/v1/chat/completions', status: 200 });
    logger.request({ request_id: 'r2', method: 'GET', path: '/health', status: 200 });
    turn();
    const lines = writes.join('').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.request_id)).toEqual(['r1', 'r2']);
    expect(Date.parse(lines[0].time)).not.toBeNaN();
  });
});

describe('unknown routes (issue 20, extra)', () => {
  const logged = async (method: string, path: string, status = 404, headers: Record<string, string> = {}) => {
    const lines: string[] = [];
    const app = createApp(loadConfig({ MINI_LLM_LOG: 'info' }), { logSink: (l) => lines.push(l) });
    const res = await app.request(path, { method, headers });
    expect(res.status).toBe(status);
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]);
  };

  it.each([
    { method: 'GET', path: '/nowhere', route: 'unknown' },
    { method: 'POST', path: '/v2/chat/completions', route: 'unknown' },
    { method: 'POST', path: '/health', route: 'unknown' },
    { method: 'GET', path: '/v1/chat/completions', route: 'chat' },
    { method: 'POST', path: '/v1/messages/batches', route: 'messages' },
    { method: 'GET', path: '/v1/messages/count_tokens', route: 'messages.count_tokens' },
    { method: 'PUT', path: '/v1/embeddings', route: 'embeddings' },
    { method: 'POST', path: '/v1/responses/compact', route: 'responses' },
    { method: 'GET', path: '/v1/responses/resp_1', route: 'responses' },
    { method: 'DELETE', path: '/v1/responses/resp_1', route: 'responses' },
  ])('$method $path is logged with error_code not_found and route $route', async ({ method, path, route }) => {
    expect(await logged(method, path)).toMatchObject({ method, path, status: 404, route, error_code: 'not_found' });
  });

  it('a WebSocket attempt on /v1/responses: its 426 is logged with the route and websocket_not_supported', async () => {
    const line = await logged('GET', '/v1/responses', 426, { upgrade: 'websocket', connection: 'Upgrade' });
    expect(line).toMatchObject({ status: 426, route: 'responses', error_code: 'websocket_not_supported' });
  });
});
