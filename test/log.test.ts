/** The request log's buffered sink (Node and Bun): lines written together, in order, promptly, and on exit. */
import { describe, expect, it } from 'vitest';
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
