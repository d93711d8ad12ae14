/**
 * Issue 20, item 2, "Translated streams grow without bound": a provider that streams far more into one answer
 * than any model writes (64 MB of text, of tool-call arguments, of thinking; 192 MB of arguments that never
 * close), through each translator (Anthropic → chat on the chat route too), on real gateway processes on Node
 * and Bun. Each stream ends with the route's failure event naming MINI_LLM_MAX_STREAM_STATE_BYTES (code
 * upstream_stream_too_large, in the log too), the upstream is cancelled, and the child's RSS grows by far less
 * than the stream. The limit is set to 1 MiB here: a stream cut at the limit costs a few times the limit at its
 * end (the failure event repeats the held text, and is encoded and redacted): +14 to +47 MB at the 8 MiB
 * default, clearly apart from a 64 MB stream only at a smaller limit. The hostile upstream generates the bytes
 * as it writes them; the client keeps only the last event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildGateway } from './helpers.js';
import { hostileEnv, startHostileUpstream, type HostileUpstream } from './mocks/hostile-upstream.js';
import { rssGrowth } from './rss.js';
import { RUNTIMES } from './runtimes.js';
import { assertValidEvent } from './schemas/openapi.js';

const MiB = 1024 * 1024;
const LIMIT = 1 * MiB;
const LF = 0x0a;

/** Read a whole SSE answer, keeping only its last event: the bytes read, and that event's name and data. */
async function lastEvent(res: Response): Promise<{ bytes: number; event: string; data: any }> {
  const reader = res.body!.getReader();
  let bytes = 0;
  let current: Uint8Array[] = [];
  let last: Uint8Array[] = [];
  let prev = 0; // the last byte of the chunk before
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    let from = 0;
    for (let i = value.indexOf(LF); i >= 0; i = value.indexOf(LF, i + 1)) {
      if ((i > 0 ? value[i - 1] : prev) !== LF) continue; // a blank line ends the event
      current.push(value.subarray(from, i + 1));
      if (current.reduce((n, c) => n + c.length, 0) > 2) last = current;
      current = [];
      from = i + 1;
    }
    if (from < value.length) current.push(value.subarray(from));
    prev = value[value.length - 1];
  }
  const text = Buffer.concat(last).toString('utf8');
  const data = text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6))
    .join('\n');
  return { bytes, event: /^event: (.*)$/m.exec(text)?.[1] ?? '', data: data === '[DONE]' ? data : JSON.parse(data) };
}

describe.each(RUNTIMES.filter((r) => r.name !== 'workerd'))('on $name', (runtime) => {
  let up: HostileUpstream;
  let gw: ChildGateway;

  beforeAll(async () => {
    up = await startHostileUpstream();
    gw = await runtime.start({ ...hostileEnv(up.url), MINI_LLM_LOG: 'info', MINI_LLM_MAX_STREAM_STATE_BYTES: String(LIMIT) });
    // First a small answer on each path, and 32 MB of text on messages → chat (which holds none of it): the growth
    // measured is then the stream's own, not the heap's first growth under load (+30 to +50 MB on either runtime).
    const messages = { max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };
    const warmUp: Array<[string, Record<string, unknown>]> = [
      ['/v1/responses', { model: 'hostile/text-flood:65536', input: 'hi' }],
      ['/v1/responses', { model: 'hostile-claude/thinking-flood:65536', input: 'hi' }],
      ['/v1/chat/completions', { model: 'hostile-claude/thinking-flood:65536', messages: messages.messages }],
      ['/v1/messages', { model: 'hostile/args-flood:65536', ...messages }],
      ['/v1/messages', { model: `hostile/text-flood:${32 * MiB}`, ...messages }],
    ];
    for (const [path, body] of warmUp) {
      const res = await fetch(`${gw.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ ...body, stream: true }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  }, 30_000);
  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  /** POST `body` to `path` and read the answer down to its last event, sampling the child's RSS. */
  async function hostile(path: string, body: Record<string, unknown>, requestId: string) {
    const written = up.written();
    const { result, growth } = await rssGrowth(gw.child.pid!, async () => {
      const res = await fetch(`${gw.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-request-id': requestId },
        body: JSON.stringify({ ...body, stream: true }),
      });
      expect(res.status).toBe(200);
      return lastEvent(res);
    });
    let line: string | undefined;
    for (let i = 0; i < 40 && !line; i++) {
      line = gw.stderr().split('\n').find((l) => l.includes(requestId));
      if (!line) await new Promise((r) => setTimeout(r, 50));
    }
    return { ...result, growth, upstreamWrote: up.written() - written, log: JSON.parse(line ?? '{}') };
  }

  /** What every case shows: the limit's failure, logged, the upstream stopped early, and memory far below the stream. */
  function bounded(seen: Awaited<ReturnType<typeof hostile>>, size: number) {
    expect(seen.log).toMatchObject({ error_code: 'upstream_stream_too_large' });
    expect(seen.upstreamWrote).toBeLessThan(size / 2);
    expect(seen.growth).toBeLessThan(size / 4);
  }

  /** A Responses stream's last event: a valid `response.failed` naming the code and the variable. */
  function failedResponse(seen: Awaited<ReturnType<typeof hostile>>) {
    expect(seen.event).toBe('response.failed');
    assertValidEvent(seen.data);
    expect(seen.data.response.status).toBe('failed');
    expect(seen.data.response.error.message).toContain('upstream_stream_too_large');
    expect(seen.data.response.error.message).toContain(`${LIMIT} bytes`);
    expect(seen.data.response.error.message).toContain('MINI_LLM_MAX_STREAM_STATE_BYTES');
  }

  it('responses → chat provider, 64 MB of text deltas: response.failed, RSS growth far below 64 MB', async () => {
    const size = 64 * MiB;
    const seen = await hostile('/v1/responses', { model: `hostile/text-flood:${size}`, input: 'hi' }, `state-text-${runtime.name}`);
    failedResponse(seen);
    bounded(seen, size);
  }, 60_000);

  it('responses → chat provider, 64 MB of tool-call arguments: response.failed, RSS growth far below 64 MB', async () => {
    const size = 64 * MiB;
    const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }];
    const seen = await hostile('/v1/responses', { model: `hostile/args-flood:${size}`, input: 'hi', tools }, `state-args-${runtime.name}`);
    failedResponse(seen);
    bounded(seen, size);
  }, 60_000);

  it('responses → Anthropic, 64 MB of thinking: response.failed, RSS growth far below 64 MB', async () => {
    const size = 64 * MiB;
    const seen = await hostile('/v1/responses', { model: `hostile-claude/thinking-flood:${size}`, input: 'hi', reasoning: { effort: 'high' } }, `state-thinking-${runtime.name}`);
    failedResponse(seen);
    bounded(seen, size);
  }, 60_000);

  it('messages → chat provider, one tool call whose arguments never close (192 MB): event: error, RSS growth far below 192 MB', async () => {
    const size = 192 * MiB;
    const body = { model: `hostile/args-flood:${size}`, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };
    const seen = await hostile('/v1/messages', body, `state-messages-${runtime.name}`);
    expect(seen.event).toBe('error');
    expect(seen.data).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(seen.data.error.message).toContain(`${LIMIT} bytes`);
    expect(seen.data.error.message).toContain('MINI_LLM_MAX_STREAM_STATE_BYTES');
    bounded(seen, size);
  }, 60_000);

  it('chat → Anthropic, 64 MB of thinking: an upstream_stream_too_large error frame, RSS growth far below 64 MB', async () => {
    const size = 64 * MiB;
    const body = { model: `hostile-claude/thinking-flood:${size}`, messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' };
    const seen = await hostile('/v1/chat/completions', body, `state-chat-${runtime.name}`);
    expect(seen.event).toBe('');
    expect(seen.data.error).toMatchObject({ type: 'upstream_error', code: 'upstream_stream_too_large' });
    expect(seen.data.error.message).toContain(`${LIMIT} bytes`);
    bounded(seen, size);
  }, 60_000);

  it('under the limit nothing changes: 0.75 MB of text on responses → chat completes whole', async () => {
    const size = 0.75 * MiB;
    const seen = await hostile('/v1/responses', { model: `hostile/text-flood:${size}`, input: 'hi' }, `state-small-${runtime.name}`);
    expect(seen.event).toBe('response.completed');
    assertValidEvent(seen.data);
    expect(seen.data.response.output[0].content[0].text).toHaveLength(size);
    expect(seen.log).toMatchObject({ outcome: 'ok' });
  }, 60_000);
});
