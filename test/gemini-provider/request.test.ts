/** OpenAI chat request → Gemini generateContent request (src/providers/gemini/request.ts, contents.ts, models.ts). */
import { describe, expect, it } from 'vitest';
import { isGemini3, thinkingConfig } from '../../src/providers/gemini/models.js';
import { toGeminiRequest } from '../../src/providers/gemini/request.js';
import { BYPASS_SIGNATURE } from '../../src/providers/gemini/signatures.js';
import { thrown } from '../helpers.js';

type Json = Record<string, any>;

const FLASH = 'gemini-2.5-flash';
const G3 = 'gemini-3-flash-preview';
const hi = [{ role: 'user', content: 'hi' }];
const conv = (extra: Json, model = FLASH) => toGeminiRequest({ model: 'alias', messages: hi, ...extra }, model);

const WEATHER = { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const extra = (sig: string) => ({ google: { thought_signature: sig } });
const call = (id: string, city: string, sig?: string) => ({ id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) }, ...(sig ? { extra_content: extra(sig) } : {}) });
const geminiDetail = (data: string, index = 0) => ({ type: 'reasoning.encrypted', data, format: 'google-gemini-v1', index });

describe('toGeminiRequest: top-level fields', () => {
  it.each<{ row: string; body: Json; model?: string; expect: Json }>([
    { row: 'a user message → one user content; nothing else', body: {}, expect: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } },
    { row: 'max_tokens → maxOutputTokens', body: { max_tokens: 100 }, expect: { generationConfig: { maxOutputTokens: 100 } } },
    { row: 'max_completion_tokens wins', body: { max_tokens: 100, max_completion_tokens: 200 }, expect: { generationConfig: { maxOutputTokens: 200 } } },
    {
      row: 'sampling and penalties',
      body: { temperature: 0.3, top_p: 0.9, top_k: 40, seed: 7, presence_penalty: 0.5, frequency_penalty: 0.25 },
      expect: { generationConfig: { temperature: 0.3, topP: 0.9, topK: 40, seed: 7, presencePenalty: 0.5, frequencyPenalty: 0.25 } },
    },
    { row: 'temperature 0 kept', body: { temperature: 0 }, expect: { generationConfig: { temperature: 0 } } },
    { row: 'stop string', body: { stop: 'END' }, expect: { generationConfig: { stopSequences: ['END'] } } },
    { row: 'stop array, empty strings dropped', body: { stop: ['a', '', 'b'] }, expect: { generationConfig: { stopSequences: ['a', 'b'] } } },
    { row: 'response_format text → nothing', body: { response_format: { type: 'text' } }, expect: { generationConfig: undefined } },
    { row: 'response_format json_object', body: { response_format: { type: 'json_object' } }, expect: { generationConfig: { responseMimeType: 'application/json' } } },
    {
      row: 'response_format json_schema → responseJsonSchema, the schema unchanged',
      body: { response_format: { type: 'json_schema', json_schema: { name: 'c', strict: true, schema: { type: 'object', properties: { n: { type: ['string', 'null'] } }, additionalProperties: false } } } },
      expect: { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { n: { type: ['string', 'null'] } }, additionalProperties: false } } },
    },
    {
      row: "Gemini's own fields pass: safetySettings, cachedContent, generationConfig merged (the client's keys win)",
      body: { temperature: 0.5, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }], cachedContent: 'cachedContents/abc', generationConfig: { temperature: 0.1, responseModalities: ['TEXT'] } },
      expect: { safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }], cachedContent: 'cachedContents/abc', generationConfig: { temperature: 0.1, responseModalities: ['TEXT'] } },
    },
  ])('$row', ({ body, model, expect: want }) => {
    const out = conv(body, model);
    for (const [k, v] of Object.entries(want)) expect(out[k], k).toEqual(v);
  });

  it('OpenAI fields with no Gemini equivalent are not sent (Gemini refuses unknown fields)', () => {
    const out = conv({
      stream: true, stream_options: { include_usage: true }, n: 1, logit_bias: { 1: 2 }, logprobs: true, user: 'u', store: true, metadata: { a: 'b' },
      parallel_tool_calls: false, service_tier: 'auto', prompt_cache_key: 'k', safety_identifier: 's', verbosity: 'low', unknown_field: 1,
    });
    expect(Object.keys(out)).toEqual(['contents']);
  });

  it.each<{ row: string; body: Json; code: string; param: string }>([
    { row: 'messages missing', body: { messages: undefined }, code: 'invalid_messages', param: 'messages' },
    { row: 'n > 1', body: { n: 2 }, code: 'unsupported_parameter', param: 'n' },
    { row: 'max_tokens 0', body: { max_tokens: 0 }, code: 'invalid_max_tokens', param: 'max_tokens' },
    { row: 'max_tokens not an integer', body: { max_completion_tokens: 1.5 }, code: 'invalid_max_tokens', param: 'max_tokens' },
    { row: 'json_schema without a schema', body: { response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, code: 'invalid_response_format', param: 'response_format' },
    { row: 'an unknown response_format', body: { response_format: { type: 'yaml' } }, code: 'invalid_response_format', param: 'response_format' },
    { row: 'an unknown reasoning_effort', body: { reasoning_effort: 'extreme' }, code: 'invalid_reasoning_effort', param: 'reasoning_effort' },
    { row: 'reasoning_effort an inherited name', body: { reasoning_effort: 'toString' }, code: 'invalid_reasoning_effort', param: 'reasoning_effort' },
    { row: 'tools not an array', body: { tools: {} }, code: 'invalid_tools', param: 'tools' },
    { row: 'a custom tool', body: { tools: [{ type: 'custom', custom: { name: 'x' } }] }, code: 'invalid_tools', param: 'tools[0]' },
    { row: 'a bad tool_choice', body: { tools: [WEATHER], tool_choice: 'any' }, code: 'invalid_tool_choice', param: 'tool_choice' },
  ])('400: $row', ({ body, code, param }) => {
    const err = thrown(() => conv(body));
    expect(err.status).toBe(400);
    expect(err.code).toBe(code);
    expect(err.param).toBe(param);
  });
});

describe('reasoning_effort → thinkingConfig, per model family', () => {
  it.each<[string, string, Json | undefined]>([
    ['gemini-3-pro-preview', 'high', { thinkingLevel: 'HIGH', includeThoughts: true }],
    ['gemini-3-flash-preview', 'medium', { thinkingLevel: 'MEDIUM', includeThoughts: true }],
    ['gemini-3.1-flash-lite', 'minimal', { thinkingLevel: 'MINIMAL', includeThoughts: true }],
    ['gemini-3-flash-preview', 'low', { thinkingLevel: 'LOW', includeThoughts: true }],
    ['gemini-3-pro-preview', 'none', { thinkingLevel: 'LOW', includeThoughts: false }],
    ['gemini-3-pro-preview', 'xhigh', { thinkingLevel: 'HIGH', includeThoughts: true }],
    ['gemini-flash-latest', 'high', { thinkingLevel: 'HIGH', includeThoughts: true }],
    ['models/gemini-4-pro', 'low', { thinkingLevel: 'LOW', includeThoughts: true }],
    ['gemini-2.5-flash', 'low', { thinkingBudget: 1024, includeThoughts: true }],
    ['gemini-2.5-flash', 'medium', { thinkingBudget: 8192, includeThoughts: true }],
    ['gemini-2.5-flash', 'high', { thinkingBudget: 24576, includeThoughts: true }],
    ['gemini-2.5-flash', 'none', { thinkingBudget: 0, includeThoughts: false }],
    ['gemini-2.5-flash-lite', 'minimal', { thinkingBudget: 512, includeThoughts: true }],
    ['gemini-2.5-pro', 'none', { thinkingBudget: 128, includeThoughts: false }],
    ['gemini-2.5-pro', 'xhigh', { thinkingBudget: 32768, includeThoughts: true }],
  ])('%s, %s', (model, effort, want) => {
    expect(thinkingConfig(effort, model)).toEqual(want);
    expect(conv({ reasoning_effort: effort }, model).generationConfig).toEqual({ thinkingConfig: want });
  });

  it('no reasoning_effort: no thinkingConfig (the model decides)', () => {
    expect(thinkingConfig(undefined, G3)).toBeUndefined();
    expect(conv({}, G3).generationConfig).toBeUndefined();
  });

  it.each([
    ['gemini-3-pro-preview', true],
    ['gemini-3.1-pro', true],
    ['gemini-10-ultra', true],
    ['gemini-pro-latest', true],
    ['gemini-2.5-flash', false],
    ['gemini-2.0-flash', false],
    ['gemini-1.5-pro', false],
    ['gemma-3-27b-it', false],
    ['gemini-embedding-001', false],
  ])('isGemini3(%s) = %s', (model, want) => expect(isGemini3(model)).toBe(want));
});

describe('tools and tool_choice', () => {
  it('function tools → functionDeclarations with the JSON Schema as parametersJsonSchema, unchanged', () => {
    const schema = { $defs: { C: { type: 'string', const: 'x' } }, type: 'object', properties: { c: { $ref: '#/$defs/C' }, n: { type: ['integer', 'null'], exclusiveMinimum: 0 } }, additionalProperties: false };
    const out = conv({ tools: [WEATHER, { type: 'function', function: { name: 'now' } }, { type: 'function', function: { name: 'odd', parameters: schema } }, { type: 'function', function: { name: 'ping', parameters: {} } }] });
    expect(out.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Weather in a city', parametersJsonSchema: WEATHER.function.parameters },
          { name: 'now' },
          { name: 'odd', parametersJsonSchema: schema },
          { name: 'ping' },
        ],
      },
    ]);
    expect(out.toolConfig).toBeUndefined();
  });

  it.each<[unknown, Json | undefined]>([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'get_weather' } }, { mode: 'ANY', allowedFunctionNames: ['get_weather'] }],
    [undefined, undefined],
  ])('tool_choice %j → %j', (choice, want) => {
    expect(conv({ tools: [WEATHER], tool_choice: choice }).toolConfig).toEqual(want && { functionCallingConfig: want });
  });

  it('tool_choice without tools is not sent; empty tools are none', () => {
    expect(conv({ tool_choice: 'required' }).toolConfig).toBeUndefined();
    expect(conv({ tools: [] }).tools).toBeUndefined();
  });
});

describe('messages → systemInstruction and contents', () => {
  it('system and developer messages (wherever they stand) → systemInstruction; assistant → model', () => {
    const out = conv({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: [{ type: 'text', text: 'again' }] },
      ],
    });
    expect(out.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] });
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'Hello.' }] },
      { role: 'user', parts: [{ text: 'again' }] },
    ]);
  });

  it.each<[string, Json, Json]>([
    ['a data: URL → inlineData', { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
    ['an https image → fileData with its type', { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?x=1' } }, { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.JPG?x=1' } }],
    ['an https URL without a known extension → fileData alone', { type: 'image_url', image_url: { url: 'https://example.com/img/42' } }, { fileData: { fileUri: 'https://example.com/img/42' } }],
    ['a PDF file part → inlineData', { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } }],
    ['input_audio → inlineData', { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }, { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } }],
  ])('user parts: %s', (_row, part, want) => {
    expect(conv({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Look:' }, part] }] }).contents).toEqual([{ role: 'user', parts: [{ text: 'Look:' }, want] }]);
  });

  it.each<[string, unknown[]]>([
    ['an ftp image URL', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }] }]],
    ['a data: URL that is not base64', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:text/plain,hello' } }] }]],
    ['a file id', [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }]],
    ['an unknown part type', [{ role: 'user', content: [{ type: 'video', video: {} }] }]],
    ['an unknown role', [{ role: 'function', content: 'x' }]],
    ['a message that is not an object', ['hi']],
    ['a tool message answering no call', [...hi, { role: 'tool', tool_call_id: 'call_nowhere', content: 'x' }]],
    ['a tool message without tool_call_id', [...hi, { role: 'tool', content: 'x' }]],
    ['call arguments that are not a JSON object', [...hi, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] }]],
    ['call arguments that are not JSON', [...hi, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }]],
    ['a call without an id', [...hi, { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }]],
    ['an image in a tool message', [...hi, { role: 'assistant', tool_calls: [call('c1', 'Paris')] }, { role: 'tool', tool_call_id: 'c1', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] }]],
  ])('400 invalid_messages: %s', (_row, messages) => {
    const err = thrown(() => conv({ messages }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_messages');
    expect(err.param).toMatch(/^messages\[\d+\]$/);
  });

  it('a tool loop: calls keep their ids (parallel calls to one function apart), results merge into one user turn, named from the calls', () => {
    const out = conv(
      {
        messages: [
          { role: 'user', content: 'Weather in Paris and Tokyo?' },
          { role: 'assistant', content: null, tool_calls: [call('call_a', 'Paris', 'SIG1'), call('call_b', 'Tokyo')] },
          { role: 'tool', tool_call_id: 'call_b', content: 'Tokyo: 25°C' },
          { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: 'Paris: ' }, { type: 'text', text: '18°C' }] },
          { role: 'user', content: 'Thanks. And now?' },
        ],
      },
      FLASH,
    );
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG1' },
          { functionCall: { id: 'call_b', name: 'get_weather', args: { city: 'Tokyo' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_b', name: 'get_weather', response: { output: 'Tokyo: 25°C' } } },
          { functionResponse: { id: 'call_a', name: 'get_weather', response: { output: 'Paris: 18°C' } } },
          { text: 'Thanks. And now?' },
        ],
      },
    ]);
  });

  it("a tool message's own name serves when its call is not in the history", () => {
    const out = conv({ messages: [...hi, { role: 'tool', tool_call_id: 'x1', name: 'lookup', content: 'ok' }] });
    expect(out.contents[0].parts[1]).toEqual({ functionResponse: { id: 'x1', name: 'lookup', response: { output: 'ok' } } });
  });

  it('assistant text and calls: text first, then the calls; reasoning_content is not sent back', () => {
    const out = conv({ messages: [...hi, { role: 'assistant', content: 'Let me look.', reasoning_content: 'I should call it.', tool_calls: [call('c1', 'Paris', 'S')] }] });
    expect(out.contents[1]).toEqual({ role: 'model', parts: [{ text: 'Let me look.' }, { functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'S' }] });
  });

  it('an empty assistant message is left out (Gemini refuses empty parts)', () => {
    expect(conv({ messages: [...hi, { role: 'assistant', content: '' }, { role: 'user', content: 'more' }] }).contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }, { text: 'more' }] }]);
  });
});

describe('thought signatures back on their parts', () => {
  const turn = (assistant: Json, model = FLASH, after: Json[] = []) => conv({ messages: [...hi, assistant, ...after] }, model).contents[1].parts;

  it("a text part's signature (reasoning_details, Gemini's format) goes back on the text part", () => {
    expect(turn({ role: 'assistant', content: 'Hello.', reasoning_details: [geminiDetail('TXT')] })).toEqual([{ text: 'Hello.', thoughtSignature: 'TXT' }]);
  });

  it("entries of other formats are not Gemini's: left out", () => {
    const details = [{ type: 'reasoning.encrypted', data: 'rs_x', format: 'openai-responses-v1' }, { type: 'reasoning.text', text: 'hm', signature: 'anth' }];
    expect(turn({ role: 'assistant', content: 'Hello.', reasoning_details: details })).toEqual([{ text: 'Hello.' }]);
  });

  it('a signature that closed a call turn (empty text part) goes on its unsigned first call', () => {
    expect(turn({ role: 'assistant', content: null, tool_calls: [call('c1', 'Paris'), call('c2', 'Tokyo')], reasoning_details: [geminiDetail('CLOSE')] })).toEqual([
      { functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CLOSE' },
      { functionCall: { id: 'c2', name: 'get_weather', args: { city: 'Tokyo' } } },
    ]);
  });

  it('more signatures than parts: the rest as signed empty text parts, in order', () => {
    expect(turn({ role: 'assistant', content: 'Hi.', tool_calls: [call('c1', 'Paris', 'CALL')], reasoning_details: [geminiDetail('A'), geminiDetail('B', 1)] })).toEqual([
      { text: 'Hi.', thoughtSignature: 'A' },
      { functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CALL' },
      { text: '', thoughtSignature: 'B' },
    ]);
  });

  it('Gemini 3, current turn: an unsigned first call gets the bypass value (only the first of parallel calls)', () => {
    const parts = turn({ role: 'assistant', content: null, tool_calls: [call('c1', 'Paris'), call('c2', 'Tokyo')] }, G3, [{ role: 'tool', tool_call_id: 'c1', content: 'x' }, { role: 'tool', tool_call_id: 'c2', content: 'y' }]);
    expect(parts.map((p: Json) => p.thoughtSignature)).toEqual([BYPASS_SIGNATURE, undefined]);
  });

  it('the bypass value goes to Gemini 3 models only, and only in the current turn', () => {
    const history = (model: string) =>
      conv(
        {
          messages: [
            ...hi,
            { role: 'assistant', tool_calls: [call('c1', 'Paris')] },
            { role: 'tool', tool_call_id: 'c1', content: 'x' },
            { role: 'user', content: 'next' },
            { role: 'assistant', tool_calls: [call('c2', 'Tokyo')] },
            { role: 'tool', tool_call_id: 'c2', content: 'y' },
          ],
        },
        model,
      ).contents.filter((c: Json) => c.role === 'model').map((c: Json) => c.parts[0].thoughtSignature);
    expect(history(G3)).toEqual([undefined, BYPASS_SIGNATURE]);
    expect(history(FLASH)).toEqual([undefined, undefined]);
    expect(JSON.stringify(conv({ messages: [...hi, { role: 'assistant', tool_calls: [call('c1', 'Paris')] }] }, 'gemini-2.0-flash'))).not.toContain(BYPASS_SIGNATURE);
  });

  it('a signed call keeps its own signature on Gemini 3 (no bypass)', () => {
    expect(turn({ role: 'assistant', tool_calls: [call('c1', 'Paris', 'REAL')] }, G3)[0].thoughtSignature).toBe('REAL');
  });

  it('a long history is handled in linear time (10 000 tool rounds)', () => {
    const messages: Json[] = [{ role: 'user', content: 'go' }];
    for (let i = 0; i < 10_000; i++) messages.push({ role: 'assistant', tool_calls: [call(`c${i}`, 'Paris', `S${i}`)] }, { role: 'tool', tool_call_id: `c${i}`, content: 'ok' });
    const started = performance.now();
    const out = toGeminiRequest({ messages }, G3);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.contents).toHaveLength(20_001);
  });
});
