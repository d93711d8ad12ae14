/**
 * The Gemini routes on each runtime's real gateway (Node, Bun, workerd): a streamed answer through the real
 * `@google/genai` SDK, translated to a chat provider, and the key read from `?key=`; refused keys in Google's shape.
 */
import { describe, expect, it } from 'vitest';
import { sharedServer } from '../helpers.js';
import { startMessagesUpstream } from '../mocks/messages-upstream.js';
import { gatewayOn, RUNTIMES } from '../runtimes.js';
import { genaiInstalled, loadGenAI, requireGenAI } from './genai.js';

const KEY = 'gw-gemini-runtimes-0123456789';

requireGenAI('test/gemini/runtimes.test.ts');

const mock = sharedServer(startMessagesUpstream);

describe.runIf(genaiInstalled).each(RUNTIMES)('Gemini routes on $name', (runtime) => {
  const on = gatewayOn(runtime, () => ({ ...mock().env, MINI_LLM_API_KEY: KEY, MINI_LLM_LOG: 'silent' }), (url) => url, 90_000);

  it('generateContentStream through the SDK; ?key= accepted; a wrong key is Google’s 401', async () => {
    const { GoogleGenAI } = await loadGenAI();
    mock().reply = () => ({ text: `Streamed on ${runtime.name}, in pieces.` });
    const ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: on.url } });
    let text = '';
    let last: any;
    for await (const chunk of await ai.models.generateContentStream({ model: 'openai/gpt-4o-mini', contents: 'hi' })) {
      text += chunk.text ?? '';
      last = chunk;
    }
    expect(text).toBe(`Streamed on ${runtime.name}, in pieces.`);
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(mock().requests.at(-1)!.body).toMatchObject({ model: 'gpt-4o-mini', stream: true });

    const byQuery = await fetch(`${on.url}/v1beta/models/openai/gpt-4o-mini:generateContent?key=${KEY}`, { method: 'POST', body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }) });
    expect(byQuery.status).toBe(200);
    const denied = await fetch(`${on.url}/v1beta/models/openai/gpt-4o-mini:generateContent?key=gw-wrong-0123456789`, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: { code: 401, message: 'Invalid gateway key.', status: 'UNAUTHENTICATED' } });
  });
});
