/**
 * Responses clients on a Gemini 3 model (issue 19): the real `openai` SDK on /v1/responses → the gemini provider
 * (the strict mock). A three-request tool loop with reasoning on and `include: ["reasoning.encrypted_content"]`
 * (as Codex sends), the client replaying the output items as it got them: the thought signatures ride in the
 * reasoning items' envelope and reach Gemini unmodified. Without `include` the reasoning cache restores them.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { sharedServer, startGateway } from '../helpers.js';
import { startGeminiUpstream } from '../mocks/gemini-upstream.js';

type Json = Record<string, any>;
const KEY = 'gw-gemini-responses-0123456789';
const tools = [{ type: 'function', name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false }];

describe('openai SDK /v1/responses → gemini provider: a tool loop with reasoning on', () => {
  const gemini = sharedServer(startGeminiUpstream);
  const gateway = sharedServer(() => startGateway({ ...gemini().env, MINI_LLM_API_KEY: KEY, MINI_LLM_LOG: 'silent' }));
  const client = () => new OpenAI({ baseURL: `${gateway().url}/v1`, apiKey: KEY, maxRetries: 0 });

  it.each([
    { stream: false, include: true },
    { stream: true, include: true },
    { stream: false, include: false },
  ])('stream: $stream, include: $include — three requests, every signature back as issued', async ({ stream, include }) => {
    gemini().requests.length = 0;
    const input: Json[] = [{ role: 'user', content: 'What is the weather in Paris and Tokyo?' }];
    const params: Json = { model: 'gemini-3-pro-preview', reasoning: { effort: 'high' }, tools, store: false, ...(include ? { include: ['reasoning.encrypted_content'] } : {}) };
    let answer: Json | undefined;
    for (let turn = 0; turn < 3; turn++) {
      answer = stream ? await client().responses.stream({ ...params, input } as any).finalResponse() : await client().responses.create({ ...params, input } as any);
      // Replayed as received (ids and statuses dropped, as stateless clients do for store: false).
      for (const item of answer!.output) {
        const { id: _id, status: _status, ...rest } = item as Json;
        input.push(item.type === 'reasoning' ? { ...rest, id: (item as Json).id } : rest);
      }
      const calls = answer!.output.filter((i: Json) => i.type === 'function_call');
      if (calls.length === 0) break;
      for (const c of calls) input.push({ type: 'function_call_output', call_id: (c as Json).call_id, output: `Sunny in ${JSON.parse((c as Json).arguments).city}` });
    }
    expect(answer!.output_text).toContain('The tools answered');
    const turns = gemini().requests.filter((r) => r.action === (stream ? 'streamGenerateContent' : 'generateContent'));
    expect(turns).toHaveLength(3);
    for (const r of turns) expect(r.status, r.error).toBe(200);
    const signed = (turns.at(-1)!.body.contents as Json[]).flatMap((c) => c.parts).filter((p: Json) => p.functionCall && p.thoughtSignature);
    expect(signed.length).toBe(2);
    for (const p of signed) expect(gemini().issued.has(p.thoughtSignature)).toBe(true);
  }, 30_000);
});
