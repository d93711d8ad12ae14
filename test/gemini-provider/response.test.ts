/** Gemini GenerateContentResponse → OpenAI chat.completion (src/providers/gemini/response.ts, finish.ts). */
import { describe, expect, it } from 'vitest';
import { mapFinishReason, mapUsage } from '../../src/providers/gemini/finish.js';
import { toChatCompletion, type GeminiAnswer } from '../../src/providers/gemini/response.js';
import { thrown } from '../helpers.js';

type Json = Record<string, any>;

const CREATED = 1_700_000_000;
let n = 0;
const opts = () => ({ model: 'gemini-2.5-flash', created: CREATED, newId: () => `call_made${++n}` });
const answer = (parts: Json[], finishReason = 'STOP', extra: Json = {}): GeminiAnswer => ({
  candidates: [{ content: { role: 'model', parts } as Json, finishReason }],
  usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
  modelVersion: 'gemini-2.5-flash-001',
  responseId: 'resp-1',
  ...extra,
});
const message = (a: GeminiAnswer) => toChatCompletion(a, opts()).choices[0]!.message as Json;

describe('toChatCompletion', () => {
  it('a text answer: the chat.completion shape, Gemini ids and model version', () => {
    expect(toChatCompletion(answer([{ text: 'Hello ' }, { text: 'there.' }]), opts())).toEqual({
      id: 'resp-1',
      object: 'chat.completion',
      created: CREATED,
      model: 'gemini-2.5-flash-001',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
  });

  it('without modelVersion / responseId: the requested model, a made-up id', () => {
    const out = toChatCompletion({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] }, opts());
    expect(out.model).toBe('gemini-2.5-flash');
    expect(out.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
  });

  it('thoughts → reasoning_content; signatures on text and thought parts → reasoning_details entries, in order', () => {
    expect(message(answer([{ text: 'Plan: ', thought: true }, { text: 'greet.', thought: true, thoughtSignature: 'T1' }, { text: 'Hi!', thoughtSignature: 'X2' }, { text: '', thoughtSignature: 'E3' }]))).toEqual({
      role: 'assistant',
      content: 'Hi!',
      refusal: null,
      reasoning_content: 'Plan: greet.',
      reasoning_details: [
        { type: 'reasoning.encrypted', data: 'T1', format: 'google-gemini-v1', index: 0 },
        { type: 'reasoning.encrypted', data: 'X2', format: 'google-gemini-v1', index: 1 },
        { type: 'reasoning.encrypted', data: 'E3', format: 'google-gemini-v1', index: 2 },
      ],
    });
  });

  it('function calls: args as JSON text; no id → one made up per call (parallel calls to one function apart); a signature → extra_content', () => {
    const out = toChatCompletion(
      answer([
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG' },
        { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
        { functionCall: { id: 'fc-own', name: 'now' } },
      ]),
      opts(),
    );
    const calls = (out.choices[0]!.message as Json).tool_calls;
    expect(calls).toEqual([
      { id: expect.stringMatching(/^call_made\d+$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'SIG' } } },
      { id: expect.stringMatching(/^call_made\d+$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
      { id: 'fc-own', type: 'function', function: { name: 'now', arguments: '{}' } },
    ]);
    expect(calls[0].id).not.toBe(calls[1].id);
    expect(out.choices[0]!.finish_reason).toBe('tool_calls');
    expect((out.choices[0]!.message as Json).content).toBeNull();
  });

  it('ids made up by default are random and distinct', () => {
    const parts = [{ functionCall: { name: 'f', args: {} } }, { functionCall: { name: 'f', args: {} } }];
    const ids = [...(toChatCompletion(answer(parts), { model: 'm' }).choices[0]!.message as Json).tool_calls, ...(toChatCompletion(answer(parts), { model: 'm' }).choices[0]!.message as Json).tool_calls].map((c: Json) => c.id);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^call_[0-9a-f]{24}$/);
  });

  it('a blocked prompt (no candidates) → content_filter with a refusal naming the reason', () => {
    const out = toChatCompletion({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 7 } }, opts());
    expect(out.choices[0]).toMatchObject({ message: { role: 'assistant', content: null, refusal: 'Gemini blocked the prompt (blockReason PROHIBITED_CONTENT).' }, finish_reason: 'content_filter' });
    expect(out.usage.prompt_tokens).toBe(7);
  });

  it('an answer stopped by SAFETY with no text → content_filter and a refusal; with text, the text stays', () => {
    expect(toChatCompletion({ candidates: [{ finishReason: 'SAFETY' }] }, opts()).choices[0]).toMatchObject({ message: { content: null, refusal: 'Gemini stopped the answer (finishReason SAFETY).' }, finish_reason: 'content_filter' });
    expect(toChatCompletion(answer([{ text: 'Once upon' }], 'RECITATION'), opts()).choices[0]).toMatchObject({ message: { content: 'Once upon', refusal: null }, finish_reason: 'content_filter' });
  });

  it.each(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS'])('%s → a 502 the client can retry, not an empty answer', (reason) => {
    const err = thrown(() => toChatCompletion(answer([], reason), opts()));
    expect(err.status).toBe(502);
    expect(err.code).toBe(reason.toLowerCase());
    expect(err.message).toContain(reason);
  });

  it("a 200 whose body is Google's error → that error (redacted by the app: test/redaction-adapters.test.ts)", () => {
    const err = thrown(() => toChatCompletion({ error: { code: 429, message: 'quota exceeded', status: 'RESOURCE_EXHAUSTED' } }, opts()));
    expect(err.status).toBe(429);
    expect(err.code).toBe('RESOURCE_EXHAUSTED');
    expect(err.message).toBe('quota exceeded');
  });
});

describe('finish reasons', () => {
  it.each<[string | undefined, boolean, string]>([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['OTHER', false, 'stop'],
    ['LANGUAGE', false, 'stop'],
    ['FINISH_REASON_UNSPECIFIED', false, 'stop'],
    ['SOMETHING_NEW', true, 'tool_calls'],
    [undefined, false, 'stop'],
  ])('%s (calls made: %s) → %s', (reason, calls, want) => expect(mapFinishReason(reason, calls)).toBe(want));
});

describe('usage', () => {
  it.each<[Json | undefined, Json]>([
    [undefined, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } }],
    [
      { promptTokenCount: 100, candidatesTokenCount: 20, thoughtsTokenCount: 30, cachedContentTokenCount: 64, totalTokenCount: 150 },
      { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 30 } },
    ],
    [
      { promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 2 },
      { prompt_tokens: 15, completion_tokens: 2, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    ],
  ])('%j → %j', (u, want) => expect(mapUsage(u)).toEqual(want));
});
