/** Gemini request → chat request (src/dialects/gemini/request.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { encodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { geminiToChat, reasoningEffort } from '../../src/dialects/gemini/request.js';
import { toJsonSchema } from '../../src/dialects/gemini/schema.js';
import { thrown } from '../helpers.js';

type Json = Record<string, any>;

const map = (body: Json, opts: Partial<Parameters<typeof geminiToChat>[1]> = {}) =>
  geminiToChat(body, { upstreamModel: 'up-model', stream: false, providerId: 'nebius', ...opts }) as Json;
const user = (...parts: Json[]) => ({ role: 'user', parts });
const model = (...parts: Json[]) => ({ role: 'model', parts });
const call = (name: string, args: Json = {}, id?: string) => ({ functionCall: { ...(id ? { id } : {}), name, args } });
const result = (name: string, response: Json, id?: string) => ({ functionResponse: { ...(id ? { id } : {}), name, response } });
const toolCall = (id: string, name: string, args: Json = {}) => ({ id, type: 'function', function: { name, arguments: JSON.stringify(args) } });

describe('geminiToChat: contents', () => {
  it.each([
    {
      name: 'systemInstruction parts and one user turn',
      in: { systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Be kind.' }] }, contents: [user({ text: 'Hi' })] },
      out: [{ role: 'system', content: 'Be brief.\nBe kind.' }, { role: 'user', content: 'Hi' }],
    },
    {
      name: 'a turn without a role is the user; text parts joined by a line',
      in: { contents: [{ parts: [{ text: 'a' }, { text: 'b' }] }] },
      out: [{ role: 'user', content: 'a\nb' }],
    },
    {
      name: 'snake_case fields (Google examples): system_instruction, inline_data, mime_type',
      in: { system_instruction: { parts: [{ text: 'S' }] }, contents: [user({ text: 'What?' }, { inline_data: { mime_type: 'image/png', data: 'iVBOR' } })] },
      out: [
        { role: 'system', content: 'S' },
        { role: 'user', content: [{ type: 'text', text: 'What?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }] },
      ],
    },
    {
      name: 'inline PDF, WAV and text; an image fileData URL; another file named',
      in: {
        contents: [
          user(
            { inlineData: { mimeType: 'application/pdf', data: 'JVBER' } },
            { inlineData: { mimeType: 'audio/wav', data: 'UklGR' } },
            { inlineData: { mimeType: 'text/plain', data: btoa('plain words') } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'https://x.test/a.jpg' } },
            { fileData: { mimeType: 'video/mp4', fileUri: 'gs://bucket/v.mp4' } },
          ),
        ],
      },
      out: [
        {
          role: 'user',
          content: [
            { type: 'file', file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBER' } },
            { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
            { type: 'text', text: 'plain words' },
            { type: 'image_url', image_url: { url: 'https://x.test/a.jpg' } },
            { type: 'text', text: 'File (video/mp4): gs://bucket/v.mp4' },
          ],
        },
      ],
    },
    {
      name: 'a model turn: text, thoughts as reasoning_content, a call with its id',
      in: { contents: [user({ text: 'Weather?' }), model({ text: 'Let me think.', thought: true }, { text: 'Checking.' }, call('get_weather', { city: 'Paris' }, 'call_1')), user(result('get_weather', { output: 'sunny' }, 'call_1'))] },
      out: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: 'Checking.', tool_calls: [toolCall('call_1', 'get_weather', { city: 'Paris' })], reasoning_content: 'Let me think.' },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    },
    {
      name: 'Gemini CLI ids (`<name>__<id>`) go back to the id the gateway gave out',
      in: { contents: [user({ text: 'Read' }), model(call('read_file', { path: 'a' }, 'read_file__call_9')), user(result('read_file', { output: 'A' }, 'read_file__call_9'))] },
      out: [
        { role: 'user', content: 'Read' },
        { role: 'assistant', content: null, tool_calls: [toolCall('call_9', 'read_file', { path: 'a' })] },
        { role: 'tool', tool_call_id: 'call_9', content: 'A' },
      ],
    },
    {
      name: 'calls without ids: made from their place; parallel calls to one function answered in order',
      in: {
        contents: [
          user({ text: 'Two cities' }),
          model(call('get_weather', { city: 'A' }), call('get_weather', { city: 'B' }), call('get_time', {})),
          user(result('get_time', { output: 'noon' }), result('get_weather', { output: 'rain' }), result('get_weather', { output: 'snow' })),
        ],
      },
      out: [
        { role: 'user', content: 'Two cities' },
        { role: 'assistant', content: null, tool_calls: [toolCall('call_1_0', 'get_weather', { city: 'A' }), toolCall('call_1_1', 'get_weather', { city: 'B' }), toolCall('call_1_2', 'get_time')] },
        { role: 'tool', tool_call_id: 'call_1_2', content: 'noon' },
        { role: 'tool', tool_call_id: 'call_1_0', content: 'rain' },
        { role: 'tool', tool_call_id: 'call_1_1', content: 'snow' },
      ],
    },
    {
      name: 'a response with an unknown id still answers the call of its name',
      in: { contents: [model(call('f', {}, 'call_a')), user(result('f', { x: 1 }, 'elsewhere_7'))] },
      out: [
        { role: 'assistant', content: null, tool_calls: [toolCall('call_a', 'f')] },
        { role: 'tool', tool_call_id: 'call_a', content: '{"x":1}' },
      ],
    },
    {
      name: 'an error response; a response that answers no call becomes text; an unanswered call gets a tool message first',
      in: { contents: [model(call('f', {}, 'c1'), call('g', {}, 'c2')), user(result('f', { error: 'denied' }, 'c1'), result('h', { output: 'stray' }), { text: 'Next' })] },
      out: [
        { role: 'assistant', content: null, tool_calls: [toolCall('c1', 'f'), toolCall('c2', 'g')] },
        { role: 'tool', tool_call_id: 'c1', content: 'Error: denied' },
        { role: 'tool', tool_call_id: 'c2', content: 'No result was given for this call.' },
        { role: 'user', content: 'The function h returned: stray\nNext' },
      ],
    },
    {
      name: 'calls followed by another model turn: the missing results are filled in between',
      in: { contents: [model(call('f', {}, 'c1')), model({ text: 'More.' })] },
      out: [
        { role: 'assistant', content: null, tool_calls: [toolCall('c1', 'f')] },
        { role: 'tool', tool_call_id: 'c1', content: 'No result was given for this call.' },
        { role: 'assistant', content: 'More.' },
      ],
    },
    {
      name: 'code execution parts as text',
      in: { contents: [model({ executableCode: { language: 'PYTHON', code: 'print(1)' } }, { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1' } })] },
      out: [{ role: 'assistant', content: '\n```python\nprint(1)\n```\n\n1\n' }],
    },
  ])('$name', ({ in: body, out }) => {
    expect(map(body).messages).toEqual(out);
  });

  it('refuses what it cannot send, in a 400 naming the field', () => {
    for (const [body, param] of [
      [{}, 'contents'],
      [{ contents: ['x'] }, 'contents'],
      [{ contents: [{ role: 'user' }] }, 'contents'],
      [{ contents: [{ role: 'system', parts: [] }] }, 'contents'],
      [{ contents: [model({ functionCall: { args: {} } })] }, 'contents'],
      [{ contents: [user({ inlineData: { mimeType: 'video/mp4', data: 'AAAA' } })] }, 'contents'],
      [{ contents: [user({ text: 'x' })], cachedContent: 'cachedContents/abc' }, 'cachedContent'],
      [{ contents: [user({ text: 'x' })], generationConfig: { candidateCount: 2 } }, 'generationConfig.candidateCount'],
      [{ contents: [user({ text: 'x' })], generationConfig: { responseMimeType: 'text/x.enum' } }, 'generationConfig.responseMimeType'],
    ] as const) {
      const err = thrown(() => map(body as Json));
      expect(err.status).toBe(400);
      expect(err.param).toBe(param);
    }
  });
});

describe('geminiToChat: reasoning state in thoughtSignature', () => {
  const state = { provider: 'nebius', reasoning_details: [{ type: 'reasoning.encrypted', data: 'opaque', format: 'x' }], extra_content: { call_1: { google: { thought_signature: 'sig' } } } };

  it('opens an envelope made for this provider and puts its state back on the message and the call', () => {
    const body = { contents: [user({ text: 'Go' }), model({ ...call('f', {}, 'f__call_1'), thoughtSignature: encodeReasoning(state) }), user(result('f', { output: 'ok' }, 'f__call_1'))] };
    expect(map(body).messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ ...toolCall('call_1', 'f'), extra_content: { google: { thought_signature: 'sig' } } }],
      reasoning_details: state.reasoning_details,
    });
  });

  it('signed thinking blocks come back, and reasoning text kept in the envelope is the reasoning_content', () => {
    const blocks = [{ type: 'thinking', thinking: 'Hmm.', signature: 'EqQB' }];
    const signed = encodeReasoning({ provider: 'anthropic', thinking_blocks: blocks });
    expect(map({ contents: [model({ ...call('f', {}, 'c'), thought_signature: signed }), user(result('f', {}, 'c'))] }, { providerId: 'anthropic' }).messages[0]).toMatchObject({ thinking_blocks: blocks });
    const text = encodeReasoning({ provider: 'deepseek', reasoning_details: [{ type: 'reasoning.text', text: 'Because.' }] });
    expect(map({ contents: [model({ ...call('f', {}, 'c'), thoughtSignature: text })] }, { providerId: 'deepseek' }).messages[0]).toMatchObject({ reasoning_content: 'Because.' });
  });

  it.each([
    ['another provider’s envelope', encodeReasoning({ ...state, provider: 'openrouter' })],
    ['a signature from Google itself', 'CiQBcsjafN3Gq0mJ'],
    ['Gemini CLI’s bypass value', 'skip_thought_signature_validator'],
  ])('drops %s', (_name, signature) => {
    const out = map({ contents: [model({ text: 'Hi', thoughtSignature: signature }, { ...call('f', {}, 'c1'), thoughtSignature: signature }), user(result('f', {}, 'c1'))] });
    expect(out.messages).toEqual([
      { role: 'assistant', content: 'Hi', tool_calls: [toolCall('c1', 'f')] },
      { role: 'tool', tool_call_id: 'c1', content: '{}' },
    ]);
    expect(JSON.stringify(out)).not.toContain(signature);
  });

  it('matches call state by position when the client dropped the ids', () => {
    const envelope = encodeReasoning({ provider: 'nebius', extra_content: { call_x: { a: 1 }, call_y: { b: 2 } } });
    const out = map({ contents: [model({ ...call('f'), thoughtSignature: envelope }, call('g'))] });
    expect((out.messages as Json[])[0].tool_calls.map((tc: Json) => tc.extra_content)).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('geminiToChat: tools and configuration', () => {
  const decl = { name: 'get_weather', description: 'Weather.', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING', nullable: true }, days: { type: 'INTEGER' } }, required: ['days'], propertyOrdering: ['city', 'days'] } };

  it.each([
    {
      name: 'OpenAPI parameters become JSON Schema (lower-case types, nullable, no propertyOrdering)',
      in: { tools: [{ functionDeclarations: [decl] }] },
      out: {
        tools: [
          {
            type: 'function',
            function: { name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: ['string', 'null'] }, days: { type: 'integer' } }, required: ['days'] } },
          },
        ],
      },
    },
    {
      name: 'parametersJsonSchema goes as it is; a declaration without parameters gets an empty object schema',
      in: { tools: [{ functionDeclarations: [{ name: 'a', parametersJsonSchema: { type: 'object', properties: { x: { type: ['string', 'null'] } }, additionalProperties: false } }, { name: 'b' }] }] },
      out: {
        tools: [
          { type: 'function', function: { name: 'a', parameters: { type: 'object', properties: { x: { type: ['string', 'null'] } }, additionalProperties: false } } },
          { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } },
        ],
      },
    },
    { name: 'hosted tools (googleSearch, urlContext, codeExecution) are left out', in: { tools: [{ googleSearch: {} }, { urlContext: {} }, { codeExecution: {} }] }, out: {} },
    { name: 'mode AUTO', in: { tools: [{ functionDeclarations: [decl] }], toolConfig: { functionCallingConfig: { mode: 'AUTO' } } }, out: { tool_choice: 'auto', names: ['get_weather'] } },
    { name: 'mode NONE', in: { tools: [{ functionDeclarations: [decl] }], toolConfig: { functionCallingConfig: { mode: 'NONE' } } }, out: { tool_choice: 'none', names: ['get_weather'] } },
    { name: 'mode ANY', in: { tools: [{ functionDeclarations: [decl] }], toolConfig: { functionCallingConfig: { mode: 'ANY' } } }, out: { tool_choice: 'required', names: ['get_weather'] } },
    {
      name: 'mode ANY with one allowed name: that function',
      in: { tools: [{ functionDeclarations: [decl, { name: 'other' }] }], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } } },
      out: { tool_choice: { type: 'function', function: { name: 'get_weather' } }, names: ['get_weather'] },
    },
    {
      name: 'mode ANY with two allowed names: only those are offered, one required',
      in: { tools: [{ functionDeclarations: [decl, { name: 'b' }, { name: 'c' }] }], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather', 'c'] } } },
      out: { tool_choice: 'required', names: ['get_weather', 'c'] },
    },
    {
      name: 'generationConfig: sampling, limits, stop, seed, penalties',
      in: { generationConfig: { temperature: 0.2, topP: 0.9, topK: 40, maxOutputTokens: 99, stopSequences: ['END'], seed: 7, presencePenalty: 0.1, frequencyPenalty: 0.3 } },
      out: { temperature: 0.2, top_p: 0.9, max_tokens: 99, stop: ['END'], seed: 7, presence_penalty: 0.1, frequency_penalty: 0.3 },
    },
    {
      name: 'JSON output with responseJsonSchema',
      in: { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } } } },
      out: { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { a: { type: 'string' } } } } } },
    },
    {
      name: 'JSON output with an OpenAPI responseSchema',
      in: { generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'ARRAY', items: { type: 'STRING', enum: ['x', 'y'] } } } },
      out: { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'array', items: { type: 'string', enum: ['x', 'y'] } } } } },
    },
    { name: 'JSON output without a schema', in: { generationConfig: { responseMimeType: 'application/json' } }, out: { response_format: { type: 'json_object' } } },
    { name: 'thinkingLevel HIGH', in: { generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } } }, out: { reasoning_effort: 'high' } },
  ])('$name', ({ in: body, out }) => {
    const { model: _m, messages: _x, ...rest } = map({ contents: [user({ text: 'x' })], ...body });
    // With a toolConfig: the choice, and which tools are offered (ANY with allowed names offers only those).
    const got = 'names' in out ? { tool_choice: rest.tool_choice, names: (rest.tools as Json[]).map((t) => t.function.name) } : rest;
    expect(got).toEqual(out);
  });

  it('a stream asks for usage; OpenAI gets max_completion_tokens', () => {
    const out = map({ contents: [user({ text: 'x' })], generationConfig: { maxOutputTokens: 5 } }, { stream: true, maxCompletionTokens: true });
    expect(out).toMatchObject({ stream: true, stream_options: { include_usage: true }, max_completion_tokens: 5 });
    expect(out.max_tokens).toBeUndefined();
  });

  it.each([
    [{ thinkingLevel: 'low' }, 'low'],
    [{ thinkingLevel: 'MEDIUM' }, 'medium'],
    [{ thinkingLevel: 'MINIMAL' }, 'minimal'],
    [{ thinkingBudget: 0 }, 'none'],
    [{ thinkingBudget: 1024 }, 'low'],
    [{ thinkingBudget: 8192 }, 'medium'],
    [{ thinkingBudget: 24576 }, 'high'],
    [{ thinkingBudget: -1 }, undefined],
    [{ includeThoughts: true }, undefined],
    [undefined, undefined],
  ])('thinkingConfig %j → reasoning_effort %s', (config, effort) => {
    expect(reasoningEffort(config)).toBe(effort);
  });

  it('a forced call with no function it can send is a 400; so is an allowed name that is not declared', () => {
    expect(thrown(() => map({ contents: [user({ text: 'x' })], tools: [{ googleSearch: {} }], toolConfig: { functionCallingConfig: { mode: 'ANY' } } })).param).toBe('toolConfig');
    expect(thrown(() => map({ contents: [user({ text: 'x' })], tools: [{ functionDeclarations: [decl] }], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['nope'] } } })).param).toBe('toolConfig');
    expect(thrown(() => map({ contents: [user({ text: 'x' })], tools: [{ functionDeclarations: [{ description: 'no name' }] }] })).param).toBe('tools');
  });

  it('toJsonSchema: nested items, anyOf with nullable, unknown keys kept', () => {
    expect(toJsonSchema({ type: 'ARRAY', items: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }], nullable: true }, minItems: 1 })).toEqual({
      type: 'array',
      items: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
      minItems: 1,
    });
  });
});
