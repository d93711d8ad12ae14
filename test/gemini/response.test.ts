/** chat.completion → GenerateContentResponse (src/dialects/gemini/response.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { chatToGemini, usageMetadata } from '../../src/dialects/gemini/response.js';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';

type Json = Record<string, any>;

const opts = { model: 'up-model', providerId: 'nebius', thoughts: false };
const completion = (message: Json, finish = 'stop', usage?: Json) => ({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }], ...(usage ? { usage } : {}) });
const candidate = (out: Json) => out.candidates[0];

describe('chatToGemini', () => {
  it.each([
    { name: 'text', message: { content: 'Paris.' }, finish: 'stop', parts: [{ text: 'Paris.' }], reason: 'STOP' },
    { name: 'cut by the token limit', message: { content: 'Par' }, finish: 'length', parts: [{ text: 'Par' }], reason: 'MAX_TOKENS' },
    { name: 'a refusal is text', message: { content: null, refusal: 'I cannot.' }, finish: 'stop', parts: [{ text: 'I cannot.' }], reason: 'STOP' },
    { name: 'filtered output', message: { content: 'Some' }, finish: 'content_filter', parts: [{ text: 'Some' }], reason: 'SAFETY' },
    {
      name: 'two calls, args objects, STOP as on Gemini',
      message: {
        content: null,
        tool_calls: [
          { id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_B', type: 'function', function: { name: 'get_time', arguments: '' } },
        ],
      },
      finish: 'tool_calls',
      parts: [{ functionCall: { id: 'call_A', name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { id: 'call_B', name: 'get_time', args: {} } }],
      reason: 'STOP',
    },
    {
      name: 'arguments that are not a JSON object: no call, MALFORMED_FUNCTION_CALL (Gemini clients retry it)',
      message: { content: 'Trying.', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }] },
      finish: 'tool_calls',
      parts: [{ text: 'Trying.' }],
      reason: 'MALFORMED_FUNCTION_CALL',
    },
    {
      name: 'arguments cut by the token limit: MAX_TOKENS',
      message: { content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":"b' } }] },
      finish: 'length',
      parts: [],
      reason: 'MAX_TOKENS',
    },
  ])('$name', ({ message, finish, parts, reason }) => {
    const out = chatToGemini(completion(message, finish), opts);
    expect(out).toEqual({ candidates: [{ content: { role: 'model', parts }, finishReason: reason, index: 0 }], modelVersion: 'up-model', responseId: 'chatcmpl-1' });
  });

  it('a call without an id gets one', () => {
    const out = chatToGemini(completion({ tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls'), opts);
    expect(candidate(out).content.parts[0].functionCall.id).toMatch(/^call_[0-9a-f]{24}$/);
  });

  it('reasoning: a thought part when the client asked for thoughts, never otherwise', () => {
    const message = { content: 'Four.', reasoning_content: 'Two and two.' };
    expect(candidate(chatToGemini(completion(message), { ...opts, thoughts: true })).content.parts).toEqual([{ text: 'Two and two.', thought: true }, { text: 'Four.' }]);
    expect(candidate(chatToGemini(completion(message), opts)).content.parts).toEqual([{ text: 'Four.' }]);
  });

  it('reasoning state rides in an envelope on the first call, naming the provider', () => {
    const details = [{ type: 'reasoning.encrypted', data: 'opaque', format: 'openrouter', index: 0 }];
    const message = {
      content: null,
      reasoning_content: 'Plan.',
      reasoning_details: details,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'SIG' } } },
        { id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } },
      ],
    };
    const parts = candidate(chatToGemini(completion(message, 'tool_calls'), opts)).content.parts;
    expect(parts[1].thoughtSignature).toBeUndefined();
    expect(decodeReasoning(parts[0].thoughtSignature, 'nebius')).toEqual({ provider: 'nebius', reasoning_details: details, extra_content: { call_1: { google: { thought_signature: 'SIG' } } } });
    expect(decodeReasoning(parts[0].thoughtSignature, 'openai')).toBeUndefined();
  });

  it('signed thinking blocks without calls: a final empty text part carries the envelope', () => {
    const blocks = [{ type: 'thinking', thinking: 'Hmm.', signature: 'EqQB' }];
    const parts = candidate(chatToGemini(completion({ content: 'Hi.', reasoning_content: 'Hmm.', thinking_blocks: blocks }), { ...opts, providerId: 'anthropic' })).content.parts;
    expect(parts).toHaveLength(2);
    expect(parts[0]).toEqual({ text: 'Hi.' });
    expect(parts[1].text).toBe('');
    expect(decodeReasoning(parts[1].thoughtSignature, 'anthropic')).toEqual({ provider: 'anthropic', thinking_blocks: blocks });
  });

  it('the reasoning text of an answer with calls is kept for the provider (DeepSeek, Kimi); without calls, no envelope', () => {
    const call = { id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } };
    const withCall = candidate(chatToGemini(completion({ content: null, reasoning_content: 'Why.', tool_calls: [call] }, 'tool_calls'), opts)).content.parts;
    expect(decodeReasoning(withCall[0].thoughtSignature, 'nebius')?.reasoning_details).toEqual([{ type: 'reasoning.text', text: 'Why.' }]);
    const textOnly = candidate(chatToGemini(completion({ content: 'A.', reasoning_content: 'Why.' }), opts)).content.parts;
    expect(textOnly).toEqual([{ text: 'A.' }]);
  });

  it('a filtered answer with nothing in it reports a blocked prompt', () => {
    expect(chatToGemini(completion({ content: null }, 'content_filter'), opts).promptFeedback).toEqual({ blockReason: 'SAFETY' });
    expect(chatToGemini(completion({ content: 'x' }, 'content_filter'), opts).promptFeedback).toBeUndefined();
  });

  it.each([
    [{ prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 }, { promptTokenCount: 20, candidatesTokenCount: 9, totalTokenCount: 29 }],
    [
      { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 30 } },
      { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 150, thoughtsTokenCount: 30, cachedContentTokenCount: 64 },
    ],
    [{ prompt_tokens: 3, completion_tokens: 4 }, { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 }],
    [null, undefined],
  ])('usage %j → %j', (usage, meta) => {
    expect(usageMetadata(usage)).toEqual(meta);
  });
});
