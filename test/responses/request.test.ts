/** Responses request → chat request (src/dialects/responses/request.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { chatNameLookup, toChatRequest, type ToolOrigin } from '../../src/dialects/responses/request.js';
import { decodeThinking, encodeThinking } from '../../src/dialects/responses/thinking.js';
import { thrown } from '../helpers.js';

type Case = [name: string, body: Record<string, unknown>, expected: Record<string, unknown>];

const fn = { type: 'function', name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } };

const CASES: Case[] = [
  ['a string input → one user message', { model: 'm', input: 'hi' }, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }],
  ['instructions → the first system message', { model: 'm', instructions: 'Be brief.', input: 'hi' }, { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] }],
  ['no input, only instructions', { model: 'm', instructions: 'Say hi.' }, { messages: [{ role: 'system', content: 'Say hi.' }] }],
  ['developer and system → system, parts joined', { model: 'm', input: [{ role: 'developer', content: [{ type: 'input_text', text: 'a' }, { type: 'input_text', text: 'b' }] }, { type: 'message', role: 'system', content: 'c' }] }, { messages: [{ role: 'system', content: 'a\nb' }, { role: 'system', content: 'c' }] }],
  ['user text parts only → one string, a part per line', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: '<env/>' }, { type: 'input_text', text: 'Fix it.' }] }] }, { messages: [{ role: 'user', content: '<env/>\nFix it.' }] }],
  ['an item with role but no type is a message', { model: 'm', input: [{ role: 'user', content: 'hi' }] }, { messages: [{ role: 'user', content: 'hi' }] }],
  ['user parts: text, image (detail kept unless auto), file', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 't' }, { type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'auto' }, { type: 'input_image', image_url: 'https://x/y.png', detail: 'low' }, { type: 'input_file', file_data: 'data:application/pdf;base64,AA', filename: 'a.pdf' }] }] }, { messages: [{ role: 'user', content: [{ type: 'text', text: 't' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }, { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }, { type: 'file', file: { file_data: 'data:application/pdf;base64,AA', filename: 'a.pdf' } }] }] }],
  ['assistant output_text → assistant text', { model: 'm', input: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'yo', annotations: [] }] }] }, { messages: [{ role: 'assistant', content: 'yo' }] }],
  ['consecutive function calls merge into the assistant message before them', { model: 'm', tools: [fn], input: [{ role: 'user', content: 'q' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'checking' }] }, { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":"1"}' }, { type: 'function_call', call_id: 'c2', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: 'one' }, { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] }] }, { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'checking', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":"1"}' } }, { id: 'c2', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'one' }, { role: 'tool', tool_call_id: 'c2', content: 'two' }] }],
  ['images in a tool output → a user message after the tool results', { model: 'm', input: [{ type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'see' }, { type: 'input_image', image_url: 'https://x/i.png' }] }] }, { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'see' }, { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/i.png' } }] }] }],
  ['reasoning and unknown items are dropped', { model: 'm', input: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'xyz' }, { type: 'web_search_call', id: 'ws' }, { role: 'user', content: 'hi' }] }, { messages: [{ role: 'user', content: 'hi' }] }],
  ['flat function tools → nested; strict kept; no parameters → empty object schema', { model: 'm', input: 'x', tools: [{ ...fn, description: 'd', strict: true }, { type: 'function', name: 'g' }] }, { tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: fn.parameters, strict: true } }, { type: 'function', function: { name: 'g', parameters: { type: 'object', properties: {} } } }] }],
  ['hosted tools are dropped, and with none left tool_choice/parallel_tool_calls go too', { model: 'm', input: 'x', tools: [{ type: 'web_search' }, { type: 'file_search', vector_store_ids: [] }], tool_choice: 'auto', parallel_tool_calls: false }, { model: 'm', messages: [{ role: 'user', content: 'x' }] }],
  ['tool_choice strings unchanged; a named function → nested', { model: 'm', input: 'x', tools: [fn], tool_choice: { type: 'function', name: 'f' }, parallel_tool_calls: false }, { tool_choice: { type: 'function', function: { name: 'f' } }, parallel_tool_calls: false }],
  ['allowed_tools → its mode, and only those tools', { model: 'm', input: 'x', tools: [fn, { type: 'function', name: 'g' }], tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'g' }] } }, { tool_choice: 'required', tools: [{ type: 'function', function: { name: 'g', parameters: { type: 'object', properties: {} } } }] }],
  ['custom tool → a function taking {input}, grammar in the description', { model: 'm', input: 'x', tools: [{ type: 'custom', name: 'apply_patch', description: 'Patch.', format: { type: 'grammar', syntax: 'lark', definition: 'start: X' } }] }, { tools: [{ type: 'function', function: { name: 'apply_patch', description: 'Patch.\n\nThe "input" string must follow this lark grammar:\nstart: X', parameters: { type: 'object', properties: { input: { type: 'string', description: 'The raw input to the tool.' } }, required: ['input'], additionalProperties: false } } }] }],
  ['custom tool call and output → tool call with {input} and a tool message', { model: 'm', tools: [{ type: 'custom', name: 'apply_patch' }], input: [{ type: 'custom_tool_call', call_id: 'c', name: 'apply_patch', input: '*** Begin' }, { type: 'custom_tool_call_output', call_id: 'c', output: 'ok' }] }, { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin"}' } }] }, { role: 'tool', tool_call_id: 'c', content: 'ok' }] }],
  ['namespace tools flatten to ns__name; their calls map to the same name', { model: 'm', tools: [{ type: 'namespace', name: 'ns', description: 'NS.', tools: [{ type: 'function', name: 'a', description: 'A.' }] }], input: [{ type: 'function_call', call_id: 'c', namespace: 'ns', name: 'a', arguments: '{}' }] }, { tools: [{ type: 'function', function: { name: 'ns__a', description: 'NS.\n\nA.', parameters: { type: 'object', properties: {} } } }], messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'ns__a', arguments: '{}' } }] }] }],
  ['tools in additional_tools and tool_search_output items join "tools" (first of a name wins)', { model: 'm', tools: [fn], input: [{ type: 'additional_tools', role: 'developer', tools: [{ type: 'function', name: 'g' }, { ...fn, description: 'again' }] }, { type: 'tool_search_output', tools: [{ type: 'function', name: 'h' }] }, { role: 'user', content: 'x' }] }, { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: fn.parameters } }, { type: 'function', function: { name: 'g', parameters: { type: 'object', properties: {} } } }, { type: 'function', function: { name: 'h', parameters: { type: 'object', properties: {} } } }] }],
  ['max_output_tokens, temperature, top_p, reasoning.effort, user', { model: 'm', input: 'x', max_output_tokens: 50, temperature: 0.2, top_p: 0.9, reasoning: { effort: 'high', summary: 'auto' }, user: 'u1' }, { max_completion_tokens: 50, temperature: 0.2, top_p: 0.9, reasoning_effort: 'high', user: 'u1' }],
  ['text.format json_schema → response_format', { model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'city', schema: { type: 'object' }, strict: true }, verbosity: 'low' } }, { response_format: { type: 'json_schema', json_schema: { name: 'city', schema: { type: 'object' }, strict: true } } }],
  ['text.format json_object → response_format; text → none', { model: 'm', input: 'x', text: { format: { type: 'json_object' } } }, { response_format: { type: 'json_object' } }],
  ['stream → stream with usage', { model: 'm', input: 'x', stream: true }, { stream: true, stream_options: { include_usage: true } }],
];

const OMITTED: Array<[string, Record<string, unknown>]> = [
  ['store, include, prompt_cache_key, client_metadata, metadata, truncation, service_tier are not forwarded', { store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'k', client_metadata: { a: 1 }, metadata: { b: '2' }, truncation: 'auto', service_tier: 'flex', safety_identifier: 's', top_logprobs: 2, max_tool_calls: 3 }],
];

describe('toChatRequest', () => {
  it.each(CASES)('%s', (_, body, expected) => {
    expect(toChatRequest(body).chat).toMatchObject(expected);
  });

  it('maps exactly, with nothing extra (first case)', () => {
    expect(toChatRequest({ model: 'm', input: 'hi' }).chat).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  });

  it.each(OMITTED)('%s', (_, extra) => {
    expect(toChatRequest({ model: 'm', input: 'x', ...extra }).chat).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
  });

  it('sends the gateway\'s own thinking blocks back on the assistant message after their reasoning item; drops others', () => {
    const blocks = [{ type: 'thinking', thinking: 'T', signature: 's' }];
    const input = [
      { role: 'user', content: 'q' },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: encodeThinking(blocks) },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'r' },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAAB-openai-state' },
      { type: 'reasoning', id: 'rs_3', summary: [], encrypted_content: encodeThinking([{ type: 'redacted_thinking', data: 'd' }]) },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
    ];
    expect(toChatRequest({ model: 'm', tools: [fn], input }).chat.messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, thinking_blocks: blocks, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'r' },
      { role: 'assistant', content: 'done', thinking_blocks: [{ type: 'redacted_thinking', data: 'd' }] },
    ]);
  });

  it('decodes only what it encoded (unicode intact; foreign or damaged content → undefined)', () => {
    const blocks = [{ type: 'thinking', thinking: 'Größe 🌍', signature: 'x' }];
    expect(decodeThinking(encodeThinking(blocks))).toEqual(blocks);
    expect(decodeThinking('gAAAAB')).toBeUndefined();
    expect(decodeThinking('mlgw.thinking.v1:%%%')).toBeUndefined();
    expect(decodeThinking(undefined)).toBeUndefined();
  });

  it('records how chat names map back to custom and namespaced tools', () => {
    const { origins } = toChatRequest({ model: 'm', input: 'x', tools: [fn, { type: 'custom', name: 'p' }, { type: 'namespace', name: 'ns', description: '', tools: [{ type: 'custom', name: 'q' }] }] });
    expect([...origins]).toEqual([
      ['f', { kind: 'function', name: 'f' }],
      ['p', { kind: 'custom', name: 'p' }],
      ['ns__q', { kind: 'custom', name: 'q', namespace: 'ns' }],
    ]);
  });

  describe('the tool-name lookup (built once; the first tool that answers to a name wins, as a walk over the tools would find)', () => {
    const origins = new Map<string, ToolOrigin>([
      ['f', { kind: 'function', name: 'f' }],
      ['ns__f', { kind: 'function', name: 'f', namespace: 'ns' }],
      ['ns__g', { kind: 'function', name: 'g', namespace: 'ns' }],
      ['p', { kind: 'custom', name: 'p' }],
      ['g', { kind: 'function', name: 'g' }],
    ]);
    const lookup = chatNameLookup(origins);
    it.each<[name: unknown, kind: 'function' | 'custom', chatName: string | undefined]>([
      ['f', 'function', 'f'], // the plain tool comes first
      ['g', 'function', 'ns__g'], // the namespaced one comes first
      ['ns__g', 'function', 'ns__g'], // by its chat name
      ['p', 'custom', 'p'],
      ['p', 'function', undefined], // kinds apart
      ['f', 'custom', undefined],
      ['nope', 'function', undefined],
      [undefined, 'function', undefined],
      [42, 'function', undefined],
    ])('%s (%s) → %s', (name, kind, chatName) => {
      expect(lookup(name, kind)).toBe(chatName);
    });
  });

  const REFUSED: Array<[string, Record<string, unknown>, string, string]> = [
    ['previous_response_id', { previous_response_id: 'resp_1' }, 'previous_response_not_found', 'previous_response_id'],
    ['conversation (string)', { conversation: 'conv_1' }, 'previous_response_not_found', 'conversation'],
    ['conversation (object)', { conversation: { id: 'conv_1' } }, 'previous_response_not_found', 'conversation'],
    ['an item_reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }, 'previous_response_not_found', 'input'],
    ['a stored prompt', { prompt: { id: 'pmpt_1' } }, 'unsupported_parameter', 'prompt'],
    ['background mode', { background: true }, 'unsupported_parameter', 'background'],
    ['a forced hosted tool', { tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' } }, 'unsupported_tool_choice', 'tool_choice'],
    ['a forced function that is not offered', { tools: [fn], tool_choice: { type: 'function', name: 'nope' } }, 'invalid_tool_choice', 'tool_choice'],
    ['an image by file_id', { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }, 'unsupported_parameter', 'input'],
    ['input that is a number', { input: 3 }, 'invalid_input', 'input'],
    ['an unknown role', { input: [{ role: 'robot', content: 'x' }] }, 'invalid_input', 'input'],
    ['tools that are not an array', { tools: {} }, 'invalid_tools', 'tools'],
    ['a tool_choice that is neither a mode nor a tool', { tools: [fn], tool_choice: 'sometimes' }, 'invalid_tool_choice', 'tool_choice'],
    ['a function_call without call_id', { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'invalid_input', 'input'],
    ['a function_call_output without call_id', { input: [{ type: 'function_call_output', output: 'x' }] }, 'invalid_input', 'input'],
    ['nothing for the model (no input, no instructions)', { input: [] }, 'invalid_input', 'input'],
    ['nothing but dropped items', { input: [{ type: 'reasoning', id: 'r', summary: [] }] }, 'invalid_input', 'input'],
  ];
  it.each(REFUSED)('refuses %s with a 400', (_, extra, code, param) => {
    const err = thrown(() => toChatRequest({ model: 'm', input: 'x', ...extra }));
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code, param });
  });

  it('says the gateway is stateless when refusing previous_response_id', () => {
    expect(() => toChatRequest({ model: 'm', input: 'x', previous_response_id: 'resp_9' })).toThrow("Previous response with id 'resp_9' not found. This gateway is stateless; resend the full input.");
  });
});
