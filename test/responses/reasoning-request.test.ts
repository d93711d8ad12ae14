/**
 * Issue 18: reasoning items a Responses client (Codex) sends back, on the way to a provider reached through chat
 * (src/dialects/responses/request.ts), and on the way to one that speaks Responses (thinking.ts,
 * withoutGatewayReasoning). Table-driven.
 */
import { describe, expect, it } from 'vitest';
import { encodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { toChatRequest } from '../../src/dialects/responses/request.js';
import { encodeThinking, withoutGatewayReasoning } from '../../src/dialects/responses/thinking.js';

type Json = Record<string, any>;

const env = (provider: string, state: Json = {}) => encodeReasoning({ provider, ...state });
const reasoning = (encrypted: string, text = '') => ({ type: 'reasoning', id: 'rs_x', summary: text === '' ? [] : [{ type: 'summary_text', text }], encrypted_content: encrypted });
const fc = (id: string) => ({ type: 'function_call', call_id: id, name: 'get_weather', arguments: '{}' });
const out = (id: string) => ({ type: 'function_call_output', call_id: id, output: 'sunny' });
const call = (id: string, extra?: Json) => ({ id, type: 'function', function: { name: 'get_weather', arguments: '{}' }, ...(extra ? { extra_content: extra } : {}) });
const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } }];
const details = [{ type: 'reasoning.encrypted', id: 'rs_1', data: 'gAAAA', format: 'openai-responses-v1', index: 0 }];
const gemini = { google: { thought_signature: 'sig' } };

const messages = (input: Json[], provider = 'p') => toChatRequest({ model: 'm', tools, input: [{ role: 'user', content: 'q' }, ...input] }, provider).chat.messages as Json[];

describe('Responses → chat: reasoning items give back their provider\'s state only', () => {
  it.each<[string, Json[], Json[]]>([
    ['text (the summary) and entries, on the calls that follow', [reasoning(env('p', { reasoning_details: details }), 'I need the weather.'), fc('c1'), out('c1')], [{ role: 'assistant', content: null, reasoning_content: 'I need the weather.', reasoning_details: details, tool_calls: [call('c1')] }, { role: 'tool', tool_call_id: 'c1', content: 'sunny' }]],
    ["a call's extra, by call id, wherever its item sits (after the calls)", [fc('c1'), fc('c2'), reasoning(env('p', { extra_content: { c2: gemini } })), out('c1'), out('c2')], [{ role: 'assistant', content: null, tool_calls: [call('c1'), call('c2', gemini)] }, { role: 'tool', tool_call_id: 'c1', content: 'sunny' }, { role: 'tool', tool_call_id: 'c2', content: 'sunny' }]],
    ['state that came after the calls stays in their turn, not the next one', [reasoning(env('p'), 'a'), fc('c1'), reasoning(env('p', { reasoning_details: details })), out('c1'), { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] }], [{ role: 'assistant', content: null, reasoning_content: 'a', reasoning_details: details, tool_calls: [call('c1')] }, { role: 'tool', tool_call_id: 'c1', content: 'sunny' }, { role: 'assistant', content: 'done' }]],
    ['another provider\'s envelope, OpenAI\'s own state, an item without encrypted_content: dropped, text too', [reasoning(env('other', { reasoning_details: details }), 'x'), reasoning('gAAAAB-openai', 'y'), { type: 'reasoning', id: 'rs', summary: [{ type: 'summary_text', text: 'z' }] }, fc('c1')], [{ role: 'assistant', content: null, tool_calls: [call('c1')] }]],
    ["the older envelope (signed thinking blocks) still opens, for its provider", [reasoning(encodeThinking([{ type: 'thinking', thinking: 't', signature: 's' }], 'p')), fc('c1')], [{ role: 'assistant', content: null, thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }], tool_calls: [call('c1')] }]],
  ])('%s', (_, input, expected) => {
    expect(messages(input).slice(1)).toEqual(expected);
  });
});

describe('Responses pass-through (OpenAI): the gateway\'s reasoning items are taken out', () => {
  it('leaves OpenAI\'s own items and the rest; the same object when there are none', () => {
    const own = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAB-openai' };
    const body = { model: 'gpt-5', input: [{ role: 'user', content: 'q' }, own, fc('c1'), reasoning(env('deepseek')), reasoning(encodeThinking([], 'anthropic')), out('c1')] };
    expect(withoutGatewayReasoning(body).input).toEqual([{ role: 'user', content: 'q' }, own, fc('c1'), out('c1')]);
    const clean = { model: 'gpt-5', input: [own] };
    expect(withoutGatewayReasoning(clean)).toBe(clean);
  });
});
