/**
 * Anthropic clients on a Gemini 3 model (issue 19): the real `@anthropic-ai/sdk` on /v1/messages → the gemini
 * provider (the strict mock, which refuses a call of the current turn without the signature it issued). A
 * three-request tool loop with thinking on, whole and streamed, the client sending each answer back as it got it:
 * the thought signatures ride in the thinking blocks' gateway envelope and reach Gemini unmodified.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { sharedServer, startGateway } from '../helpers.js';
import { startGeminiUpstream } from '../mocks/gemini-upstream.js';

type Json = Record<string, any>;
const KEY = 'gw-gemini-messages-0123456789';
const tools = [{ name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];

describe('Anthropic SDK → gemini provider: a tool loop with thinking on', () => {
  const gemini = sharedServer(startGeminiUpstream);
  const gateway = sharedServer(() => startGateway({ ...gemini().env, MINI_LLM_API_KEY: KEY, MINI_LLM_LOG: 'silent' }));
  const client = () => new Anthropic({ baseURL: gateway().url, apiKey: KEY, maxRetries: 0 });

  it.each([false, true])('stream: %s — three requests, every signature back as issued, no 400', async (stream) => {
    gemini().requests.length = 0;
    const messages: Json[] = [{ role: 'user', content: 'What is the weather in Paris and Tokyo?' }];
    const params = { model: 'gemini-3-pro-preview', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, tools } as const;
    let answer: Json | undefined;
    for (let turn = 0; turn < 3; turn++) {
      answer = stream
        ? await client().messages.stream({ ...params, messages } as any).finalMessage()
        : await client().messages.create({ ...params, messages } as any);
      messages.push({ role: 'assistant', content: answer!.content });
      const uses = answer!.content.filter((b: Json) => b.type === 'tool_use');
      if (uses.length === 0) break;
      messages.push({ role: 'user', content: uses.map((u: Json) => ({ type: 'tool_result', tool_use_id: u.id, content: `Sunny in ${u.input.city}` })) });
    }
    expect(answer!.stop_reason).toBe('end_turn');
    expect(answer!.content.find((b: Json) => b.type === 'text').text).toContain('The tools answered');
    const turns = gemini().requests.filter((r) => r.action === (stream ? 'streamGenerateContent' : 'generateContent'));
    expect(turns).toHaveLength(3);
    for (const r of turns) expect(r.status, r.error).toBe(200);
    const history = (turns.at(-1)!.body.contents as Json[]).flatMap((c) => c.parts);
    const signed = history.filter((p: Json) => p.functionCall && p.thoughtSignature);
    expect(signed.length).toBe(2); // the first call of each of the two tool turns
    for (const p of signed) expect(gemini().issued.has(p.thoughtSignature)).toBe(true);
  }, 30_000);
});
