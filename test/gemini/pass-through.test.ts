/**
 * The plan hook for a `gemini`-kind provider (src/dialects/gemini/pass-through.ts): the client's body to the same
 * action on Google's API, the model replaced in the path; only gateway envelopes are taken out of it.
 */
import { describe, expect, it } from 'vitest';
import type { Provider } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { geminiDialect } from '../../src/dialects/gemini/index.js';
import { geminiPassThrough, withoutEnvelopes, withUpstreamModel } from '../../src/dialects/gemini/pass-through.js';
import { BYPASS_SIGNATURE } from '../../src/providers/gemini/signatures.js';
import { encodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { adapterFor } from '../../src/providers/index.js';
import { authHeaders } from '../../src/providers/types.js';

type Json = Record<string, any>;

/** The built-in provider of the native kind (issue 19), at a server root of its own. */
const config = loadConfig({
  CUSTOM_PROVIDER_URL: 'http://127.0.0.1:9/root',
  CUSTOM_PROVIDER_KEY: 'sk-google-0123456789',
  GEMINI_BASE_URL: 'http://127.0.0.1:9/root',
  GEMINI_API_KEY: 'sk-google-0123456789',
});
const google: Provider = config.providers.get('gemini')!;
const body = { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { temperature: 0.5 } };

describe('Gemini pass-through to a gemini-kind provider', () => {
  it.each([
    ['generateContent', 'generateContent', 'application/json'],
    ['streamSse', 'streamGenerateContent?alt=sse', 'text/event-stream'],
    ['streamArray', 'streamGenerateContent', 'application/json'],
    ['countTokens', 'countTokens', 'application/json'],
    ['batchEmbedContents', 'batchEmbedContents', 'application/json'],
  ] as const)('%s → :%s, the body as it came', (action, path, accept) => {
    const call = geminiPassThrough(body, google, 'gemini-2.5-flash', action);
    expect(call.url).toBe(`http://127.0.0.1:9/root/v1beta/models/gemini-2.5-flash:${path}`);
    expect(call.headers).toMatchObject({ 'content-type': 'application/json', accept, ...authHeaders(google) });
    expect(call.body).toBe(JSON.stringify(body));
  });

  it('the dialect plans a pass-through (no translation) for that kind, and translates for the others', () => {
    const input = { body, upstreamModel: 'gemini-2.5-flash', headers: new Headers(), action: 'streamSse' };
    const native = geminiDialect.plan({ ...input, provider: google, adapter: adapterFor('openai-compatible') }) as Json;
    expect(native.translate).toBeUndefined();
    expect(native.call.url).toContain(':streamGenerateContent?alt=sse');
    const custom = config.providers.get('custom')!;
    const translated = geminiDialect.plan({ ...input, provider: custom, adapter: adapterFor(custom.kind) }) as Json;
    expect(typeof translated.translate).toBe('function');
    expect(translated.call.url).toBe(`${custom.chatUrl}`);
  });

  it('gateway envelopes leave the history: the bypass value on calls, nothing elsewhere; Google’s own stay', () => {
    const envelope = encodeReasoning({ provider: 'anthropic', thinking_blocks: [{ type: 'thinking', thinking: 'x', signature: 'y' }] });
    const history = {
      contents: [
        { role: 'user', parts: [{ text: 'Go' }] },
        { role: 'model', parts: [{ text: 'Ok', thoughtSignature: envelope }, { functionCall: { name: 'f', args: {} }, thoughtSignature: envelope }, { functionCall: { name: 'g', args: {} }, thoughtSignature: 'GoogleSig' }] },
      ],
    };
    expect((withoutEnvelopes(history).contents as Json[])[1].parts).toEqual([{ text: 'Ok' }, { functionCall: { name: 'f', args: {} }, thoughtSignature: BYPASS_SIGNATURE }, { functionCall: { name: 'g', args: {} }, thoughtSignature: 'GoogleSig' }]);
    const sent = geminiPassThrough(history, google, 'gemini-3-pro-preview', 'streamSse').body;
    expect(sent).not.toContain('mlgw.reasoning');
    expect(sent).toContain('GoogleSig');
  });

  const text = (t: string) => ({ parts: [{ text: t }] });
  it.each<[string, Json, Json]>([
    [
      'batchEmbedContents',
      { requests: [{ model: 'models/gemini/gemini-embedding-001', content: text('a') }, { model: 'models/gemini-embedding-001', content: text('b') }, { content: text('c') }] },
      { requests: [{ model: 'models/gemini-embedding-001', content: text('a') }, { model: 'models/gemini-embedding-001', content: text('b') }, { content: text('c') }] },
    ],
    ['embedContent', { model: 'models/embedder', content: text('a'), outputDimensionality: 4 }, { model: 'models/gemini-embedding-001', content: text('a'), outputDimensionality: 4 }],
    ['countTokens', { generateContentRequest: { model: 'models/gemini/gemini-embedding-001', contents: [] } }, { generateContentRequest: { model: 'models/gemini-embedding-001', contents: [] } }],
  ])('%s: a model named in the body becomes the upstream one (Google refuses one that is not the path’s)', (action, body, expected) => {
    expect(withUpstreamModel(body, action as never, 'models/gemini-embedding-001')).toEqual(expected);
    expect(JSON.parse(geminiPassThrough(body, google, 'gemini-embedding-001', action as never).body!)).toEqual(expected);
  });

  it.each<[string, Json]>([
    ['batchEmbedContents', { requests: [{ model: 'models/gemini-embedding-001', content: text('a') }] }],
    ['embedContent', { content: text('a') }],
    ['countTokens', { contents: [text('a')] }],
    ['generateContent', { model: 'models/other', contents: [text('a')] }],
  ])('%s: nothing to rename, the same body (sent as it came)', (action, body) => {
    expect(withUpstreamModel(body, action as never, 'models/gemini-embedding-001')).toBe(body);
  });
});
