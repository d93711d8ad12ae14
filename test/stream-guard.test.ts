/**
 * The stream guard's rules, table-driven over both carriers (Web streams on every runtime, push bodies on Node),
 * and the Node server writing a push answer to a real socket: back-pressure and a client that leaves.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../src/node/serve.js';
import { nodePushBody } from '../src/node/upstream-client.js';
import { guardBody, guardPushBody, PUSH_ANSWER, pushToWeb, type BodyEnd, type PushBody, type PushSink } from '../src/stream-guard.js';
import { Watchdog, type UpstreamExchange } from '../src/upstream.js';
import { Readable } from 'node:stream';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createUndiciFetch } from '../src/node/upstream-client.js';
import { pushAnswerOf } from '../src/stream-guard.js';
import { KEYS } from './helpers.js';
import { fixture, startMockProvider } from './mock-provider.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A source that delivers `chunks`, then ends or fails. `beforeFailure` runs just before the failure. */
interface Script {
  chunks: string[];
  fail?: boolean;
  beforeFailure?: (ex: TestExchange) => void;
}

interface TestExchange extends UpstreamExchange {
  gone: boolean;
}

function exchange(): TestExchange {
  const controller = new AbortController();
  const ex: TestExchange = {
    response: new Response(null),
    reportsBodyData: false,
    controller,
    watchdog: new Watchdog(60_000, () => {}),
    gone: false,
    clientGone: () => ex.gone,
  };
  return ex;
}

function pushSource(script: Script, ex: TestExchange, log: string[]): PushBody {
  return {
    start(sink) {
      log.push('start');
      queueMicrotask(() => {
        for (const c of script.chunks) sink.data(enc.encode(c));
        if (!script.fail) return sink.end();
        script.beforeFailure?.(ex);
        sink.error(new Error('socket hang up'));
      });
    },
    pause: () => log.push('pause'),
    resume: () => log.push('resume'),
    cancel: () => log.push('cancel'),
  };
}

function webSource(script: Script, ex: TestExchange, log: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(out) {
        if (i < script.chunks.length) return out.enqueue(enc.encode(script.chunks[i++]));
        if (!script.fail) return out.close();
        script.beforeFailure?.(ex);
        out.error(new Error('socket hang up'));
      },
      cancel: () => void log.push('cancel'),
    },
    { highWaterMark: 0 },
  );
}

/** Everything the client receives, and whether its stream ended cleanly or in error. */
interface Received {
  text: string;
  errored: boolean;
}

const carriers = {
  web: async (script: Script, ex: TestExchange, onEnd: (e: BodyEnd) => void, log: string[]): Promise<Received> => {
    const reader = guardBody(webSource(script, ex, log), ex, { timeoutMs: 400, onEnd }).getReader();
    let text = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { text, errored: false };
        text += dec.decode(value);
      }
    } catch {
      return { text, errored: true };
    }
  },
  push: (script: Script, ex: TestExchange, onEnd: (e: BodyEnd) => void, log: string[]): Promise<Received> =>
    new Promise((resolve) => {
      let text = '';
      const sink: PushSink = {
        data: (c) => void (text += dec.decode(c)),
        end: () => resolve({ text, errored: false }),
        error: () => resolve({ text, errored: true }),
      };
      guardPushBody(pushSource(script, ex, log), ex, { timeoutMs: 400, onEnd }).start(sink);
    }),
};

const frame = (code: string) => new RegExp(`^data: \\{"error":\\{"message":"[^"]+","type":"upstream_error","param":null,"code":"${code}"\\}\\}\\n\\n$`);

const cases: Array<{ name: string; script: Script; outcome: BodyEnd['outcome']; tail: RegExp | null; errored: boolean; aborted: boolean; cut?: boolean }> = [
  { name: 'a stream that ends passes every byte, then ends', script: { chunks: ['data: a\n\n', 'data: b\n\n'] }, outcome: 'ok', tail: null, errored: false, aborted: false },
  {
    name: 'a stream that fails ends with one upstream_disconnected frame',
    script: { chunks: ['data: a\n\n'], fail: true },
    outcome: 'upstream_disconnected',
    tail: frame('upstream_disconnected'),
    errored: false,
    aborted: true,
  },
  {
    name: 'a stream cut mid-event: the event is closed first, so the frame parses as an event of its own',
    script: { chunks: ['data: a\n\n', 'data: {"partial":'], fail: true },
    outcome: 'upstream_disconnected',
    tail: frame('upstream_disconnected'),
    errored: false,
    aborted: true,
    cut: true,
  },
  {
    name: 'a stream cut after a line but before the blank line that ends the event: the same',
    script: { chunks: ['data: a\n\ndata: b\n'], fail: true },
    outcome: 'upstream_disconnected',
    tail: frame('upstream_disconnected'),
    errored: false,
    aborted: true,
    cut: true,
  },
  {
    name: 'CRLF line endings count as event boundaries (no extra blank line)',
    script: { chunks: ['data: a\r\n\r\n'], fail: true },
    outcome: 'upstream_disconnected',
    tail: frame('upstream_disconnected'),
    errored: false,
    aborted: true,
  },
  {
    name: 'a stream cut by the watchdog ends with one upstream_timeout frame',
    script: { chunks: ['data: a\n\n'], fail: true, beforeFailure: (ex) => (ex.watchdog.fired = true) },
    outcome: 'upstream_timeout',
    tail: frame('upstream_timeout'),
    errored: false,
    aborted: true,
  },
  {
    name: 'a stream that fails because the client left sends nothing more',
    script: { chunks: ['data: a\n\n'], fail: true, beforeFailure: (ex) => (ex.gone = true) },
    outcome: 'client_closed',
    tail: null,
    errored: true,
    aborted: false,
  },
];

describe.each(Object.keys(carriers) as Array<keyof typeof carriers>)('stream guard, %s carrier', (carrier) => {
  it.each(cases)('$name', async ({ script, outcome, tail, errored, aborted, cut }) => {
    const ex = exchange();
    const ends: BodyEnd[] = [];
    const got = await carriers[carrier](script, ex, (e) => ends.push(e), []);
    const body = script.chunks.join('');
    expect(got.text.startsWith(body)).toBe(true);
    const rest = got.text.slice(body.length);
    if (tail) expect(cut ? rest.replace(/^\n{1,2}/, '') : rest).toMatch(tail);
    else expect(got.text).toBe(body);
    if (cut) expect(rest.startsWith(body.endsWith('\n') ? '\ndata: {"error"' : '\n\ndata: {"error"')).toBe(true);
    // Whatever was cut, a spec SSE parser reads the error as an event of its own.
    if (tail) expect(got.text.split(/\r?\n\r?\n/).filter((e) => e.startsWith('data: {"error"'))).toHaveLength(1);
    expect(got.errored).toBe(errored);
    expect(ends).toEqual([{ outcome, bytes: body.length, firstByteAt: expect.any(Number) }]);
    expect(ex.controller.signal.aborted).toBe(aborted);
    ex.watchdog.stop();
  });

  it('a consumer that cancels aborts the upstream and releases the source, reported once as client_closed', async () => {
    const ex = exchange();
    const ends: BodyEnd[] = [];
    const log: string[] = [];
    const script = { chunks: ['data: a\n\n'] };
    if (carrier === 'web') {
      const guarded = guardBody(webSource(script, ex, log), ex, { timeoutMs: 400, onEnd: (e) => ends.push(e) });
      await guarded.cancel(new Error('gone'));
    } else {
      const guarded = guardPushBody(pushSource(script, ex, log), ex, { timeoutMs: 400, onEnd: (e) => ends.push(e) });
      guarded.cancel(new Error('gone'));
      guarded.cancel(new Error('gone again'));
    }
    expect(log).toContain('cancel');
    expect(ex.controller.signal.aborted).toBe(true);
    expect(ends.map((e) => e.outcome)).toEqual(['client_closed']);
  });
});

describe('pushToWeb', () => {
  it('holds at most one chunk: the source is paused until the reader asks again', async () => {
    const log: string[] = [];
    let sink!: PushSink;
    const body: PushBody = { start: (s) => void (log.push('start'), (sink = s)), pause: () => log.push('pause'), resume: () => log.push('resume'), cancel: () => log.push('cancel') };
    const reader = pushToWeb(body).getReader();
    expect(log).toEqual([]); // nothing starts before the first read
    const first = reader.read();
    await new Promise((r) => setTimeout(r, 0)); // the stream calls pull once it has started
    sink.data(enc.encode('a'));
    expect(dec.decode((await first).value)).toBe('a');
    sink.data(enc.encode('b')); // nobody is reading: held, and the source told to stop
    expect(log).toEqual(['start', 'pause', 'pause']);
    expect(dec.decode((await reader.read()).value)).toBe('b');
    expect(log).not.toContain('resume');
    const last = reader.read();
    await new Promise((r) => setTimeout(r, 0));
    expect(log.at(-1)).toBe('resume');
    sink.end();
    expect((await last).done).toBe(true);
  });
});

describe('nodePushBody', () => {
  it('delivers a Node stream chunk by chunk, feeding onData, and reports a destroyed stream as an error', async () => {
    let seen = 0;
    const got: string[] = [];
    await new Promise<void>((resolve) =>
      nodePushBody(Readable.from(['x', 'y', 'z'].map((s) => Buffer.from(s))), () => seen++).start({ data: (c) => void got.push(dec.decode(c)), end: resolve, error: resolve }),
    );
    expect(got).toEqual(['x', 'y', 'z']);
    expect(seen).toBe(3);

    const cut = new Readable({ read() {} });
    const outcome = new Promise<string>((resolve) => nodePushBody(cut).start({ data: () => {}, end: () => resolve('end'), error: () => resolve('error') }));
    cut.push('partial');
    cut.destroy();
    expect(await outcome).toBe('error');

    // Cancelled by its consumer: the source is destroyed and nothing more reaches the sink.
    const live = new Readable({ read() {} });
    const calls: string[] = [];
    const body = nodePushBody(live);
    body.start({ data: () => calls.push('data'), end: () => calls.push('end'), error: () => calls.push('error') });
    live.push('x');
    await new Promise((r) => setTimeout(r, 10));
    body.cancel(new Error('client left'));
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual(['data']);
    expect(live.destroyed).toBe(true);
  });
});

describe('Node server: a push answer is written straight to the socket', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** A server whose every answer is an endless push body of 64 KB chunks, produced only while not paused. */
  async function endlessServer() {
    const state = { produced: 0, pauses: 0, resumes: 0, cancelled: false };
    const chunk = new Uint8Array(64 * 1024).fill(97);
    const fetch = () => {
      let paused = false;
      let stopped = false;
      let sink: PushSink;
      const pump = () => {
        if (paused || stopped) return;
        state.produced += chunk.byteLength;
        sink.data(chunk);
        setImmediate(pump);
      };
      const body: PushBody = {
        start: (s) => {
          sink = s;
          setImmediate(pump);
        },
        pause: () => {
          paused = true;
          state.pauses++;
        },
        resume: () => {
          state.resumes++;
          paused = false;
          setImmediate(pump);
        },
        cancel: () => {
          stopped = true;
          state.cancelled = true;
        },
      };
      const headers = { 'content-type': 'text/event-stream' };
      return Object.defineProperty(new Response('not this', { headers }), PUSH_ANSWER, { value: { status: 200, headers, body } });
    };
    const { server, url } = await listen(fetch, '127.0.0.1', 0);
    close = () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
    return { state, url };
  }

  it('a client that does not read pauses the source (bounded memory); reading resumes it; leaving cancels it within 1 s', async () => {
    const { state, url } = await endlessServer();
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => httpRequest(url, { method: 'POST' }, resolve).on('error', reject).end());
    expect(res.headers['content-type']).toBe('text/event-stream');
    res.pause();
    await new Promise((r) => setTimeout(r, 400));
    expect(state.pauses).toBeGreaterThan(0);
    const stalled = state.produced;
    expect(stalled).toBeLessThan(32 * 1024 * 1024); // socket buffers, not the whole stream
    await new Promise((r) => setTimeout(r, 200));
    expect(state.produced).toBe(stalled); // nothing produced while the client does not read

    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length));
    res.resume();
    await new Promise((r) => setTimeout(r, 300));
    expect(state.resumes).toBeGreaterThan(0);
    expect(received).toBeGreaterThan(stalled);

    res.destroy();
    const t0 = Date.now();
    while (!state.cancelled && Date.now() - t0 < 1000) await new Promise((r) => setTimeout(r, 20));
    expect(state.cancelled).toBe(true);
  });
});

describe('the chat answer on Node', () => {
  it('a pass-through stream comes with a push answer (no Web stream); read as a Web stream instead, it carries the same bytes', async () => {
    const mock = await startMockProvider();
    const client = createUndiciFetch();
    try {
      const app = createApp(loadConfig({ ...mock.env, ...KEYS, MINI_LLM_LOG: 'silent' }), { fetch: client });
      const ask = () => app.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
      const pushed = await ask();
      const answer = pushAnswerOf(pushed);
      expect(answer?.status).toBe(200);
      expect(answer?.headers['content-type']).toContain('text/event-stream');
      const viaPush = await new Promise<string>((resolve, reject) => {
        let text = '';
        answer!.body.start({ data: (c) => void (text += dec.decode(c)), end: () => resolve(text), error: reject });
      });
      const viaWeb = await (await ask()).text();
      expect(viaPush).toBe(fixture('openai-chat.sse'));
      expect(viaWeb).toBe(viaPush);

      // Translated (Anthropic) streams and whole answers are ordinary Responses.
      const translated = await app.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'anthropic/claude-haiku-4-5', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
      expect(pushAnswerOf(translated)).toBeUndefined();
      await translated.text();
    } finally {
      await client.close();
      await mock.close();
    }
  });
});

describe('a slow client is not an upstream timeout', () => {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('Watchdog: time held (waiting on the client) does not count; silence after release does', async () => {
    let fired = 0;
    const w = new Watchdog(80, () => fired++);
    w.hold();
    await wait(250);
    expect(fired).toBe(0);
    w.release();
    await wait(40);
    expect(fired).toBe(0);
    await wait(120);
    expect(fired).toBe(1);
    w.stop();
  });

  /** A source with `n` chunks ready at once, then its end; it fails if the watchdog fires (as the real abort would). */
  function readySource(n: number, ex: TestExchange): PushBody & { web(): ReadableStream<Uint8Array> } {
    let i = 0;
    let paused = false;
    let sink: PushSink | undefined;
    const pump = () => {
      while (sink && !paused && i < n) sink.data(enc.encode(`data: ${i++}\n\n`));
      if (sink && i === n) sink.end();
    };
    ex.controller.signal.addEventListener('abort', () => sink?.error(new Error('aborted')));
    return {
      start: (s) => void ((sink = s), queueMicrotask(pump)),
      pause: () => void (paused = true),
      resume: () => void ((paused = false), queueMicrotask(pump)),
      cancel: () => void (sink = undefined),
      web: () =>
        new ReadableStream<Uint8Array>(
          {
            pull(out) {
              if (ex.controller.signal.aborted) return out.error(new Error('aborted'));
              if (i < n) out.enqueue(enc.encode(`data: ${i++}\n\n`));
              else out.close();
            },
          },
          { highWaterMark: 0 },
        ),
    };
  }

  function slowExchange(): TestExchange {
    const ex = exchange();
    ex.watchdog.stop();
    ex.watchdog = new Watchdog(100, () => ex.controller.abort(new Error('upstream timeout')));
    return ex;
  }

  it('push carrier: a client that holds back for 3× the timeout still gets the whole stream', async () => {
    const ex = slowExchange();
    const ends: BodyEnd[] = [];
    const guarded = guardPushBody(readySource(5, ex), ex, { timeoutMs: 100, onEnd: (e) => ends.push(e) });
    let text = '';
    const done = new Promise<void>((resolve) =>
      guarded.start({
        data(c) {
          text += dec.decode(c);
          if (text === 'data: 0\n\n') {
            guarded.pause(); // the client's socket is full
            setTimeout(() => guarded.resume(), 300);
          }
        },
        end: resolve,
        error: resolve,
      }),
    );
    await done;
    expect(text).toBe([0, 1, 2, 3, 4].map((i) => `data: ${i}\n\n`).join(''));
    expect(ends.map((e) => e.outcome)).toEqual(['ok']);
    expect(ex.controller.signal.aborted).toBe(false);
  });

  it('Web carrier: a reader that stops reading for 3× the timeout still gets the whole stream', async () => {
    const ex = slowExchange();
    const ends: BodyEnd[] = [];
    const reader = guardBody(readySource(5, ex).web(), ex, { timeoutMs: 100, onEnd: (e) => ends.push(e) }).getReader();
    let text = dec.decode((await reader.read()).value);
    await wait(300);
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += dec.decode(r.value);
    expect(text).toBe([0, 1, 2, 3, 4].map((i) => `data: ${i}\n\n`).join(''));
    expect(ends.map((e) => e.outcome)).toEqual(['ok']);
    expect(ex.controller.signal.aborted).toBe(false);
  });
});
