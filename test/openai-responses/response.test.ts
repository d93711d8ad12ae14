/**
 * A whole Responses `response` → `chat.completion` (src/providers/openai-responses/response.ts), table-driven over
 * the recorded fixtures and edge shapes. openai-responses-reasoning-tool.json is made in the shape of OpenAI's
 * recorded answers (test/fixtures/openai-responses-tool.json) with a reasoning item, and checked against OpenAI's
 * published schema here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { chatUsage, finishReason, toChatCompletion } from '../../src/providers/openai-responses/response.js';
import { schemaErrors } from '../schemas/openapi.js';

type Json = Record<string, any>;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

const text = fixture('openai-responses.json');
const tool = fixture('openai-responses-tool.json');
const reasoning = fixture('openai-responses-reasoning-tool.json');
const rs = reasoning.output[0];

const CASES: Array<[name: string, response: Json, message: Json, finish: string]> = [
  ['text (recorded)', text, { role: 'assistant', content: 'The capital of France is Paris.', refusal: null }, 'stop'],
  ['a function call (recorded)', tool, { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_Xk2pQ7vR9sT4mN8bL1cW3yZ5', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, 'tool_calls'],
  [
    'reasoning then a call: summaries as reasoning_content, the item as one reasoning_details entry',
    reasoning,
    {
      role: 'assistant',
      content: null,
      refusal: null,
      reasoning_content: `${rs.summary[0].text}\n\n${rs.summary[1].text}`,
      reasoning_details: [{ type: 'reasoning.encrypted', id: rs.id, data: rs.encrypted_content, format: 'openai-responses-v1', index: 0 }],
      tool_calls: [{ id: 'call_R7pQ2vX9sK4mT8bN1cW3yZ6d', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    },
    'tool_calls',
  ],
  [
    'reasoning without encrypted content (not asked for): text only; raw reasoning text too',
    { ...text, output: [{ id: 'rs_a', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'raw thought' }] }, ...text.output] },
    { content: 'The capital of France is Paris.', reasoning_content: 'raw thought' },
    'stop',
  ],
  ['a refusal', { ...text, output: [{ id: 'msg_r', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: "I can't help with that." }] }] }, { content: null, refusal: "I can't help with that." }, 'stop'],
  ['incomplete at the token limit → length', { ...text, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }, { content: 'The capital of France is Paris.' }, 'length'],
  ['incomplete by the content filter → content_filter', { ...text, status: 'incomplete', incomplete_details: { reason: 'content_filter' } }, {}, 'content_filter'],
  ['several text parts and messages joined; unknown items ignored', { ...text, output: [{ type: 'web_search_call', id: 'ws', status: 'completed' }, { ...text.output[0], content: [{ type: 'output_text', text: 'a', annotations: [] }, { type: 'output_text', text: 'b', annotations: [] }] }, { ...text.output[0], content: [{ type: 'output_text', text: 'c', annotations: [] }] }] }, { content: 'abc' }, 'stop'],
];

describe('toChatCompletion', () => {
  it('the reasoning fixture is a valid Response', () => {
    expect(schemaErrors('Response', reasoning)).toEqual([]);
  });

  it.each(CASES)('%s', (_name, response, message, finish) => {
    const chat = toChatCompletion(response);
    expect(chat).toMatchObject({ id: response.id, object: 'chat.completion', created: response.created_at, model: response.model });
    expect(chat.choices).toHaveLength(1);
    expect(chat.choices[0]).toMatchObject({ index: 0, logprobs: null, finish_reason: finish });
    expect(chat.choices[0].message).toMatchObject(message);
    expect(schemaErrors('CreateChatCompletionResponse', chat)).toEqual([]);
  });

  it('usage: input (cached included) → prompt, output → completion, reasoning tokens', () => {
    expect(toChatCompletion(reasoning).usage).toEqual({ prompt_tokens: 71, completion_tokens: 148, total_tokens: 219, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 128 } });
    expect(chatUsage({ input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 3 })).toEqual({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 0 } });
    expect(toChatCompletion({ ...text, usage: undefined })).not.toHaveProperty('usage');
  });

  it.each<[string, Json, number, string]>([
    ['status failed → its error', { ...text, status: 'failed', error: { code: 'server_error', message: 'The model failed.' } }, 502, 'server_error'],
    ['rate limited → 429', { ...text, status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Slow down.' } }, 429, 'rate_limit_exceeded'],
    ['invalid prompt → 400', { ...text, status: 'failed', error: { code: 'invalid_prompt', message: 'Flagged.' } }, 400, 'invalid_prompt'],
    ['a 200 carrying an error body', { error: { message: 'Bad thing', type: 'server_error', code: null } }, 502, 'upstream_error'],
    ['cancelled', { ...text, status: 'cancelled' }, 502, 'upstream_error'],
  ])('%s', (_name, response, status, code) => {
    let err: unknown;
    try {
      toChatCompletion(response);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(status);
    expect((err as GatewayError).code).toBe(code);
  });

  it("a failed response's message is the error's (redacted by the app: test/redaction-adapters.test.ts)", () => {
    try {
      toChatCompletion({ ...text, status: 'failed', error: { code: 'server_error', message: 'the model failed' } });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('the model failed');
    }
  });
});

describe('finishReason', () => {
  it.each<[unknown, Json | null, boolean, string]>([
    ['completed', null, false, 'stop'],
    ['completed', null, true, 'tool_calls'],
    ['incomplete', { reason: 'max_output_tokens' }, true, 'length'],
    ['incomplete', { reason: 'content_filter' }, false, 'content_filter'],
    ['incomplete', null, false, 'length'],
  ])('%s %j tools=%s → %s', (status, details, tools, expected) => {
    expect(finishReason(status, details, tools)).toBe(expected);
  });
});
