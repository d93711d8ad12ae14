/**
 * Reading the pivot's chat stream (src/dialects/chat-chunk.ts): one reading of a chunk's error, its choice and its
 * tool-call keys, and the three dialect streams agreeing on it.
 */
import { describe, expect, it } from 'vitest';
import { chunkError, firstChoice, parseChunk, toolCallKeys } from '../src/dialects/chat-chunk.js';
import { createGeminiStreamTranslator, sseFraming } from '../src/dialects/gemini/stream.js';
import { createMessagesStreamTranslator } from '../src/dialects/messages/stream.js';
import { echoOf } from '../src/dialects/responses/envelope.js';
import { createResponsesStreamTranslator } from '../src/dialects/responses/stream.js';
import { parseSse } from './helpers.js';

type Json = Record<string, any>;

describe('chunkError', () => {
  it.each<[string, Json, ReturnType<typeof chunkError>]>([
    ['no error', { choices: [] }, undefined],
    ['a null error', { error: null }, undefined],
    ['vLLM: numeric code', { error: { message: 'bad', type: 'BadRequestError', code: 400 } }, { status: 400, message: 'bad', type: 'BadRequestError' }],
    ['code wins over a numeric status', { error: { message: 'slow', code: 429, status: 500 } }, { status: 429, message: 'slow', type: undefined }],
    ['Google: numeric code, status a name', { error: { message: 'busy', code: 503, status: 'UNAVAILABLE' } }, { status: 503, message: 'busy', type: undefined }],
    ['a numeric status alone', { error: { message: 'gone', status: 502 } }, { status: 502, message: 'gone', type: undefined }],
    ['OpenAI: a string code is the type when there is none', { error: { message: 'quota', code: 'rate_limit_exceeded' } }, { status: 500, message: 'quota', type: 'rate_limit_exceeded' }],
    ['a code that is no HTTP error status', { error: { message: 'odd', code: 200 } }, { status: 500, message: 'odd', type: undefined }],
    ['a string error', { error: 'overloaded' }, { status: 500, message: 'overloaded', type: undefined }],
    ['an empty message', { error: { message: '' } }, { status: 500, message: 'The provider reported an error.', type: undefined }],
    ['OpenRouter: an error beside choices still ends the stream', { error: { message: 'cut', code: 502 }, choices: [{ index: 0, delta: {}, finish_reason: 'error' }] }, { status: 502, message: 'cut', type: undefined }],
  ])('%s', (_name, chunk, expected) => {
    expect(chunkError(chunk)).toEqual(expected);
  });
});

describe('parseChunk, firstChoice', () => {
  it('parses an object, takes anything else as empty, refuses text that is not JSON', () => {
    expect(parseChunk('{"id":"x"}')).toEqual({ id: 'x' });
    expect(parseChunk('null')).toEqual({});
    expect(parseChunk('7')).toEqual({});
    expect(() => parseChunk('{"id":')).toThrow(/unreadable stream chunk/);
  });

  it('follows the choice of index 0 wherever it stands', () => {
    const zero = { index: 0, delta: { content: 'a' } };
    expect(firstChoice({ choices: [{ index: 1, delta: { content: 'b' } }, zero] })).toBe(zero);
    expect(firstChoice({ choices: [{ delta: {} }] })).toEqual({ delta: {} });
    expect(firstChoice({ choices: [] })).toBeUndefined();
    expect(firstChoice({})).toBeUndefined();
  });
});

describe('toolCallKeys', () => {
  it('an index is the key; without one, a new id is a new call and no id the last one', () => {
    const keyOf = toolCallKeys();
    const keys = [
      keyOf({ index: 3 }),
      keyOf({ id: 'a' }),
      keyOf({}),
      keyOf({ id: 'a' }),
      keyOf({ id: 'b' }),
      keyOf({ id: '' }),
      keyOf({ index: 0 }),
    ];
    expect(keys).toEqual([3, 1_000_000, 1_000_000, 1_000_000, 1_000_001, 1_000_001, 0]);
  });

  it('a call that began without an id takes the first id it gets', () => {
    const keyOf = toolCallKeys();
    expect([keyOf({}), keyOf({ id: 'x' }), keyOf({ id: 'x' }), keyOf({ id: 'y' })]).toEqual([1_000_000, 1_000_000, 1_000_000, 1_000_001]);
  });
});

/** The same upstream error chunk, through each dialect's stream. */
describe('the dialects read an error chunk alike', () => {
  const error = JSON.stringify({ error: { message: 'Slow down', code: 429, status: 500 } });
  const text = JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] });

  it('Messages: the numeric code decides the error type', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const out = parseSse(t.event('', text) + t.event('', error)).events;
    expect(out.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } } });
  });

  it('Gemini: the numeric code is the status', () => {
    const t = createGeminiStreamTranslator({ model: 'm', providerId: 'p', thoughts: false, framing: sseFraming() });
    const out = parseSse(t.event('', text) + t.event('', error)).events;
    expect(out.at(-1)?.data).toEqual({ error: { code: 429, message: 'Slow down', status: 'RESOURCE_EXHAUSTED' } });
  });

  it('Responses: an error beside choices (OpenRouter mid-stream) fails the response', () => {
    const t = createResponsesStreamTranslator({ echo: echoOf({ model: 'm' }), origins: new Map(), id: 'resp_1', provider: 'p' });
    const openRouter = JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'error' }], error: { message: 'Upstream cut', code: 502 } });
    const out = parseSse(t.event('', text) + t.event('', openRouter)).events;
    expect(t.ended).toBe(true);
    expect(out.at(-1)?.data.type).toBe('response.failed');
    expect(out.at(-1)?.data.response.error).toEqual({ code: 'server_error', message: 'Upstream cut' });
  });

  it('Responses: follows the choice of index 0 when a chunk lists another first', () => {
    const t = createResponsesStreamTranslator({ echo: echoOf({ model: 'm' }), origins: new Map(), id: 'resp_1', provider: 'p' });
    const both = JSON.stringify({ id: 'c', choices: [{ index: 1, delta: { content: 'other' } }, { index: 0, delta: { content: 'mine' } }] });
    const out = parseSse(t.event('', both)).events;
    expect(out.filter((e) => e.data.type === 'response.output_text.delta').map((e) => e.data.delta)).toEqual(['mine']);
  });
});
