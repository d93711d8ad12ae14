/**
 * Issue 18: thinking blocks a Messages client (Claude Code) sends back, on the way to a provider other than
 * Anthropic (src/dialects/messages/request.ts), and on the way to Anthropic (src/dialects/messages/envelopes.ts).
 * Table-driven.
 */
import { describe, expect, it } from 'vitest';
import { withoutEnvelopes } from '../../src/dialects/messages/envelopes.js';
import { messagesToChat } from '../../src/dialects/messages/request.js';
import { encodeReasoning, ENVELOPE_PREFIX } from '../../src/dialects/reasoning-envelope.js';

type Json = Record<string, any>;

const env = (provider: string, state: Json = {}) => encodeReasoning({ provider, ...state });
const use = (id: string) => ({ type: 'tool_use', id, name: 'get_weather', input: { city: 'Paris' } });
const call = (id: string, extra?: Json) => ({ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, ...(extra ? { extra_content: extra } : {}) });
const details = [{ type: 'reasoning.text', text: 'R', format: 'google-gemini-v1', index: 0 }, { type: 'reasoning.encrypted', data: 'Zm9v', id: 'x', format: 'google-gemini-v1', index: 1 }];
const gemini = { google: { thought_signature: 'sig-1+/=' } };

/** The assistant chat message the turn `content` becomes, for `provider`. */
const assistant = (content: Json[], provider = 'deepseek') => (messagesToChat({ messages: [{ role: 'assistant', content }] }, 'm', { provider }).messages as Json[])[0];

describe('Messages → chat: thinking blocks give back their provider\'s state only', () => {
  it.each<[string, Json[], Json]>([
    ['the envelope of this provider: its text as reasoning_content', [{ type: 'thinking', thinking: 'I need the weather.', signature: env('deepseek') }, use('c1')], { reasoning_content: 'I need the weather.', tool_calls: [call('c1')] }],
    ['an envelope with no text: no reasoning_content (the carrier adds the empty key where required)', [{ type: 'thinking', thinking: '', signature: env('deepseek') }, use('c1')], { tool_calls: [call('c1')] }],
    ['reasoning_details, unmodified', [{ type: 'thinking', thinking: 'R', signature: env('deepseek', { reasoning_details: details }) }, use('c1')], { reasoning_content: 'R', reasoning_details: details, tool_calls: [call('c1')] }],
    [
      "each call's extra_content on the call of that id, even from a block after the calls",
      [use('c1'), use('c2'), { type: 'thinking', thinking: '', signature: env('deepseek', { extra_content: { c2: gemini, other: gemini } }) }],
      { tool_calls: [call('c1'), call('c2', gemini)] },
    ],
    ['signed blocks (an OpenAI-compatible proxy of Claude) as thinking_blocks', [{ type: 'thinking', thinking: '', signature: env('deepseek', { thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 'EqQB' }] }) }, use('c1')], { thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 'EqQB' }], tool_calls: [call('c1')] }],
    [
      'two envelopes in one turn: texts joined, entries in order',
      [{ type: 'thinking', thinking: 'a', signature: env('deepseek', { reasoning_details: [details[0]] }) }, { type: 'text', text: 'x' }, { type: 'thinking', thinking: 'b', signature: env('deepseek', { reasoning_details: [details[1]] }) }],
      { content: 'x', reasoning_content: 'ab', reasoning_details: details },
    ],
  ])('%s', (_, content, expected) => {
    expect(assistant(content)).toEqual({ role: 'assistant', content: null, ...expected });
  });

  it.each<[string, Json]>([
    ['another provider\'s envelope (a conversation moved from Gemini)', { type: 'thinking', thinking: 'gemini thought', signature: env('gemini', { extra_content: { c1: gemini } }) }],
    ["Anthropic's own signature (a conversation moved from Claude)", { type: 'thinking', thinking: 'claude thought', signature: 'EqQBCkYIBxgCKkB' }],
    ['an empty signature (text of unknown origin)', { type: 'thinking', thinking: 'who thought this', signature: '' }],
    ['a damaged envelope', { type: 'thinking', thinking: 'damaged', signature: `${ENVELOPE_PREFIX}%%%` }],
    ['a redacted_thinking block', { type: 'redacted_thinking', data: 'EmwKAhgB' }],
  ])('drops %s', (_, block) => {
    expect(assistant([block, use('c1')])).toEqual({ role: 'assistant', content: null, tool_calls: [call('c1')] });
  });

  it('without a target provider (no options) every thinking block is dropped, as before', () => {
    const chat = messagesToChat({ messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: env('deepseek') }, use('c1')] }] }, 'm');
    expect((chat.messages as Json[])[0]).toEqual({ role: 'assistant', content: null, tool_calls: [call('c1')] });
  });
});

describe('Messages pass-through to Anthropic: no envelope reaches it', () => {
  const signed = { type: 'thinking', thinking: 'Thinking about step 1.', signature: 'sig_anthropic' };
  const foreign = { type: 'thinking', thinking: 'deepseek thought', signature: env('deepseek') };
  const result = (id: string) => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'sunny' }] });
  const conversation = (second: Json[]) => ({
    model: 'claude-sonnet-4-6',
    thinking: { type: 'adaptive' },
    messages: [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: [signed, use('t1')] }, result('t1'), { role: 'assistant', content: second }, result('t2')],
  });

  it('a body without envelopes comes back as it was (the same object)', () => {
    const body = conversation([signed, use('t2')]);
    expect(withoutEnvelopes(body)).toBe(body);
  });

  it("takes the envelope blocks out, keeps Anthropic's own; thinking off when the last tool turn is left without its leading block", () => {
    const body = conversation([foreign, { type: 'text', text: 'Checking.' }, use('t2')]);
    const out: Json = withoutEnvelopes(body);
    expect(out.messages[1]).toEqual({ role: 'assistant', content: [signed, use('t1')] });
    expect(out.messages[3]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, use('t2')] });
    expect(out).not.toHaveProperty('thinking');
    expect(JSON.stringify(out)).not.toContain(ENVELOPE_PREFIX);
    expect(JSON.stringify(body)).toContain(ENVELOPE_PREFIX); // the client's body is not changed
  });

  it('keeps thinking on when the envelope was in an earlier turn', () => {
    const body = { ...conversation([signed, use('t2')]) };
    body.messages[1] = { role: 'assistant', content: [foreign, use('t1')] };
    const out: Json = withoutEnvelopes(body);
    expect(out.thinking).toEqual({ type: 'adaptive' });
    expect(out.messages[1]).toEqual({ role: 'assistant', content: [use('t1')] });
  });

  it('a turn left empty goes (Anthropic refuses empty content)', () => {
    const body = { model: 'c', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [foreign] }, { role: 'user', content: 'b' }] };
    expect(withoutEnvelopes(body).messages).toEqual([{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }]);
  });
});
