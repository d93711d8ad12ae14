/**
 * A chat request's fields read once for every translating adapter (src/providers/chat-request.ts), and the
 * adapters agreeing on them: the same 400 for the same mistake whichever provider the model is on.
 */
import { describe, expect, it } from 'vitest';
import { toAnthropicRequest } from '../src/providers/anthropic/request.js';
import { dataUrl, functionTools, jsonFormat, maxTokens, stopList, toolChoice } from '../src/providers/chat-request.js';
import { toGeminiRequest } from '../src/providers/gemini/request.js';
import { toResponsesRequest } from '../src/providers/openai-responses/request.js';
import { thrown } from './helpers.js';

type Json = Record<string, any>;

describe('the readers', () => {
  it.each<[string, unknown, ReturnType<typeof toolChoice>]>([
    ['unset', undefined, undefined],
    ['null', null, undefined],
    ['auto', 'auto', 'auto'],
    ['required', 'required', 'required'],
    ['a function', { type: 'function', function: { name: 'f' } }, { name: 'f' }],
  ])('toolChoice: %s', (_name, choice, expected) => {
    expect(toolChoice(choice)).toEqual(expected);
  });

  it.each([['any'], [{ type: 'function' }], [{ type: 'custom', custom: { name: 'p' } }], [3]])('toolChoice refuses %j', (choice) => {
    expect(thrown(() => toolChoice(choice))).toMatchObject({ status: 400, code: 'invalid_tool_choice', param: 'tool_choice' });
  });

  it('functionTools: the functions, undefined for none, a 400 naming the tool that is not one', () => {
    expect(functionTools(undefined, 'P')).toBeUndefined();
    expect(functionTools([], 'P')).toBeUndefined();
    expect(functionTools([{ type: 'function', function: { name: 'f', parameters: {} } }], 'P')).toEqual([{ name: 'f', parameters: {} }]);
    expect(thrown(() => functionTools({}, 'P'))).toMatchObject({ code: 'invalid_tools', param: 'tools' });
    const err = thrown(() => functionTools([{ type: 'function', function: { name: 'f' } }, { type: 'custom', custom: { name: 'p' } }], 'P'));
    expect(err).toMatchObject({ code: 'invalid_tools', param: 'tools[1]' });
    expect(err.message).toContain('P takes function tools only');
    expect(thrown(() => functionTools([{ type: 'function', function: { name: '' } }], 'P')).param).toBe('tools[0]');
  });

  it('maxTokens: max_completion_tokens first, a positive integer', () => {
    expect(maxTokens({})).toBeUndefined();
    expect(maxTokens({ max_tokens: null })).toBeUndefined();
    expect(maxTokens({ max_tokens: 5, max_completion_tokens: 7 })).toBe(7);
    for (const bad of [0, 1.5, '9', -1]) expect(thrown(() => maxTokens({ max_tokens: bad }))).toMatchObject({ code: 'invalid_max_tokens', param: 'max_tokens' });
  });

  it('stopList: a string or a list, blank ones dropped', () => {
    expect(stopList('END')).toEqual(['END']);
    expect(stopList(['a', '', ' ', 3, 'b'])).toEqual(['a', 'b']);
    expect(stopList(null)).toEqual([]);
  });

  it('jsonFormat: JSON asked for, or nothing; a 400 for what is not a format', () => {
    expect(jsonFormat(undefined)).toBeUndefined();
    expect(jsonFormat({ type: 'text' })).toBeUndefined();
    expect(jsonFormat({ type: 'json_object' })).toEqual({ type: 'json_object' });
    const spec = { name: 'n', schema: { type: 'object' }, strict: true };
    expect(jsonFormat({ type: 'json_schema', json_schema: spec })).toEqual({ type: 'json_schema', schema: spec.schema, spec });
    for (const bad of ['json', { type: 'yaml' }, { type: 'json_schema', json_schema: { name: 'n' } }]) {
      expect(thrown(() => jsonFormat(bad))).toMatchObject({ code: 'invalid_response_format', param: 'response_format' });
    }
  });

  it.each<[string, ReturnType<typeof dataUrl>]>([
    ['data:image/png;base64,AAAA', { mediaType: 'image/png', data: 'AAAA' }],
    ['data:image/png;name=a.png;base64,AA==', { mediaType: 'image/png', data: 'AA==' }],
    ['data:;base64,AA', { mediaType: '', data: 'AA' }],
    ['data:text/plain,hello', undefined],
    ['https://x/a.png', undefined],
  ])('dataUrl(%s)', (url, expected) => {
    expect(dataUrl(url)).toEqual(expected);
  });
});

describe('the adapters agree', () => {
  const messages = [{ role: 'user', content: 'q' }];
  const adapters: Array<[string, (body: Json) => unknown]> = [
    ['anthropic', (body) => toAnthropicRequest({ messages, ...body }, 'claude-sonnet-4-6')],
    ['gemini', (body) => toGeminiRequest({ messages, ...body }, 'gemini-2.5-flash')],
    ['openai-responses', (body) => toResponsesRequest({ model: 'x', messages, ...body }, 'gpt-5.4')],
  ];
  const mistakes: Array<[string, Json, string, string]> = [
    ['tools not an array', { tools: { type: 'function' } }, 'invalid_tools', 'tools'],
    ['a tool that is not a function', { tools: [{ type: 'custom', custom: { name: 'p' } }] }, 'invalid_tools', 'tools[0]'],
    ['an unknown tool_choice', { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'always' }, 'invalid_tool_choice', 'tool_choice'],
    ['response_format not an object', { response_format: 'json' }, 'invalid_response_format', 'response_format'],
    ['json_schema without a schema', { response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, 'invalid_response_format', 'response_format'],
  ];
  for (const [adapter, convert] of adapters) {
    it.each(mistakes)(`${adapter}: %s`, (_name, body, code, param) => {
      expect(thrown(() => convert(body))).toMatchObject({ status: 400, code, param });
    });
  }
});
