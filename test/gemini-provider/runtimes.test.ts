/**
 * The gemini provider kind on each runtime's real gateway (Node, Bun, workerd) against the strict Gemini mock
 * (test/mocks/gemini-upstream.ts): the Gemini API passed through (the real `@google/genai` stream, the bytes as
 * the mock wrote them), and chat completions translated to it (the real `openai` SDK, a streamed tool turn on a
 * Gemini 3 name whose signature must come back for the mock to take the next one).
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { sharedServer } from '../helpers.js';
import { GEMINI_KEY, HELLO, startGeminiUpstream, THOUGHT, type GeminiRequest } from '../mocks/gemini-upstream.js';
import { gatewayOn, RUNTIMES } from '../runtimes.js';
import { genaiInstalled, loadGenAI, requireGenAI } from '../gemini/genai.js';

type Json = Record<string, any>;

const KEY = 'gw-gemini-provider-runtimes-0123456789';
const WEATHER = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } as const;
const TIME = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } as const;

requireGenAI('test/gemini-provider/runtimes.test.ts');

const mock = sharedServer(startGeminiUpstream);

/** A streamed chat answer put together as a client keeps it (tool calls merged by index, extra fields kept). */
async function assembled(stream: AsyncIterable<Json>): Promise<{ message: Json; finish: string | null }> {
  const message: Json = { role: 'assistant', content: null };
  let finish: string | null = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (typeof choice.delta.content === 'string' && choice.delta.content !== '') message.content = (message.content ?? '') + choice.delta.content;
    for (const { index, ...rest } of choice.delta.tool_calls ?? []) {
      const calls = (message.tool_calls ??= []);
      calls[index] = { ...calls[index], ...rest, function: { ...calls[index]?.function, ...rest.function } };
    }
    finish = choice.finish_reason ?? finish;
  }
  return { message, finish };
}

describe.each(RUNTIMES)('gemini provider on $name', (runtime) => {
  const on = gatewayOn(runtime, () => ({ ...mock().env, MINI_LLM_API_KEY: KEY, MINI_LLM_LOG: 'silent' }), (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 }), 90_000);
  /** The requests the mock got during `fn`, each checked to carry Google's key and nothing of the gateway's. */
  const recorded = async (fn: () => Promise<void>): Promise<GeminiRequest[]> => {
    const from = mock().requests.length;
    await fn();
    const sent = mock().requests.slice(from);
    for (const r of sent) {
      expect(r.headers['x-goog-api-key']).toBe(GEMINI_KEY);
      expect(JSON.stringify(r)).not.toContain(KEY);
    }
    return sent;
  };

  it.runIf(genaiInstalled)('@google/genai generateContentStream, passed through: every event as Gemini sent it', async () => {
    const { GoogleGenAI } = await loadGenAI();
    const ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: on.url } });
    const chunks: Json[] = [];
    const [rec] = await recorded(async () => {
      for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi', config: { thinkingConfig: { includeThoughts: true } } })) chunks.push(chunk);
    });
    expect(rec!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    const events = rec!.answer.split('\r\n\r\n').filter((e) => e !== '').map((e) => JSON.parse(e.slice('data: '.length)));
    expect(chunks.map(({ sdkHttpResponse: _, ...c }) => JSON.parse(JSON.stringify(c)))).toEqual(events);
    expect(chunks[0]!.candidates[0].content.parts[0]).toEqual({ text: THOUGHT, thought: true });
    expect(chunks.map((c) => c.text ?? '').join('')).toBe(HELLO);

    // The same request as raw bytes, with the key as `?key=`: what the mock wrote, byte for byte.
    const [raw] = await recorded(async () => {
      const res = await fetch(`${on.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${KEY}`, { method: 'POST', body: JSON.stringify(rec!.body) });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      expect(await res.text()).toBe(mock().requests.at(-1)!.answer);
    });
    expect(raw!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('chat completions → gemini, translated: a streamed tool turn on Gemini 3, its signature back, the next turn', async () => {
    const messages: Json[] = [{ role: 'user', content: 'Weather and time in Paris?' }];
    const sent = await recorded(async () => {
      const stream = await on.client.chat.completions.create({ model: 'gemini-3-pro-preview', stream: true, messages: messages as never, tools: [WEATHER, TIME], reasoning_effort: 'low' });
      const { message, finish } = await assembled(stream as AsyncIterable<Json>);
      expect(finish).toBe('tool_calls');
      expect(message.tool_calls.map((c: Json) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual([['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Tokyo' }]]);
      messages.push(message, ...message.tool_calls.map((c: Json) => ({ role: 'tool', tool_call_id: c.id, content: `18°C in ${JSON.parse(c.function.arguments).city}` })));
      const next = await on.client.chat.completions.create({ model: 'gemini-3-pro-preview', messages: messages as never, tools: [WEATHER, TIME] });
      expect(next.choices[0]!.finish_reason).toBe('tool_calls');
      expect(next.choices[0]!.message.tool_calls!.map((c) => (c as Json).function.name)).toEqual(['get_time']);
    });
    expect(sent.map((r) => [r.path, r.status])).toEqual([
      ['/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse', 200],
      ['/v1beta/models/gemini-3-pro-preview:generateContent', 200],
    ]);
    // The first call's signature went back as the mock issued it (the mock refuses any other on Gemini 3).
    const signature = sent[1]!.body.contents[1].parts[0].thoughtSignature;
    expect(mock().issued.has(signature)).toBe(true);
    expect(messages[1]!.tool_calls[0].extra_content.google.thought_signature).toBe(signature);
  });
});
