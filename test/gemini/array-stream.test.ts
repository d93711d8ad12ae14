/**
 * `:streamGenerateContent` without `alt=sse` passed through to a gemini provider: Google answers one JSON array,
 * element by element, as `application/json`. The gateway passes it on as it arrives (it used to read it whole),
 * on each runtime's real gateway; an upstream that dies before the array ends leaves the client a parseable array
 * whose last element is Google's error, never a shorter array that looks complete.
 */
import { describe, expect, it } from 'vitest';
import { sharedServer } from '../helpers.js';
import { HELLO, startGeminiUpstream } from '../mocks/gemini-upstream.js';
import { gatewayOn, RUNTIMES } from '../runtimes.js';

type Json = Record<string, any>;

const KEY = 'gw-gemini-array-0123456789';
const BODY = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });

const mock = sharedServer(startGeminiUpstream);

/** The next chunk of `reader`, or an error after `ms` (a gateway that reads the whole array first never sends one). */
async function nextWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms)));
  try {
    const { value, done } = await Promise.race([reader.read(), late]);
    if (done) throw new Error('the stream ended');
    return new TextDecoder().decode(value);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(RUNTIMES)('the streamed JSON array, passed through on $name', (runtime) => {
  const on = gatewayOn(runtime, () => ({ ...mock().env, MINI_LLM_API_KEY: KEY, MINI_LLM_LOG: 'silent' }), (url) => url, 90_000);
  const post = (model: string) =>
    fetch(`${on.url}/v1beta/models/gemini/${model}:streamGenerateContent`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY }, body: BODY });

  it('each element reaches the client while the upstream still holds the last; the bytes are Google’s', async () => {
    let release!: () => void;
    mock().hold = new Promise<void>((r) => (release = r));
    const from = mock().requests.length;
    try {
      const res = await post('gemini-2.5-flash');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const reader = res.body!.getReader();
      let text = await nextWithin(reader, 5_000);
      expect(text.startsWith('[{')).toBe(true);
      release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      const rec = mock().requests[from]!;
      expect(rec.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
      expect(text).toBe(rec.answer);
      const elements = JSON.parse(text) as Json[];
      expect(elements.length).toBeGreaterThan(1);
      expect(elements.map((e) => e.candidates[0].content.parts.map((p: Json) => p.text ?? '').join('')).join('')).toBe(HELLO);
    } finally {
      release();
      mock().hold = undefined;
    }
  });

  it('an upstream that dies before the array ends: the elements it sent, then Google’s error as the last', async () => {
    // The mock drops the connection once the client has the first element (else a runtime may see the drop first).
    let release!: () => void;
    mock().hold = new Promise<void>((r) => (release = r));
    let text = '';
    try {
      const res = await post('gemini-2.5-flash-die');
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      text = await nextWithin(reader, 5_000);
      release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } finally {
      release();
      mock().hold = undefined;
    }
    const elements = JSON.parse(text) as Json[];
    expect(elements.length).toBeGreaterThan(1);
    expect(elements.slice(0, -1).every((e) => Array.isArray(e.candidates))).toBe(true);
    expect(elements.at(-1)).toEqual({ error: { code: 503, message: expect.stringContaining('closed the connection'), status: 'UNAVAILABLE' } });
  });
});
