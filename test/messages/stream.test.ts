/** The chat SSE → Messages SSE state machine on recorded chat streams (test/fixtures/chat-streams, openai-chat.sse). */
import { describe, expect, it } from 'vitest';
import { chatToMessagesStream, createMessagesStreamTranslator } from '../../src/dialects/messages/stream.js';
import { encodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { fixture } from '../mock-provider.js';
import { accumulate, bodyOf, chatStream, expectValidMessagesStream, parseEvents } from './stream-check.js';

const translate = async (text: string) => {
  const out = await new Response(chatToMessagesStream(bodyOf(text), { model: 'claude-opus-5-5', provider: 'p' })).text();
  return parseEvents(out);
};

const USAGE_CACHED = { input_tokens: 21, output_tokens: 18, cache_creation_input_tokens: 0, cache_read_input_tokens: 64 };

describe('chat stream → Messages stream', () => {
  it.each([
    {
      name: 'text (OpenAI, usage chunk last)',
      stream: fixture('openai-chat.sse'),
      blocks: [{ type: 'text', text: 'The capital of France is Paris.' }],
      stop: 'end_turn',
      usage: { input_tokens: 24, output_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    {
      name: 'text, usage in the finish chunk (DeepInfra)',
      stream: fixture('deepinfra-chat.sse'),
      blocks: [{ type: 'text', text: 'The capital of France is Paris.' }],
      stop: 'end_turn',
      usage: { input_tokens: 44, output_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    {
      name: 'one tool call, arguments streamed',
      stream: chatStream('openai-tool.sse'),
      blocks: [{ type: 'tool_use', id: 'call_Wx1', name: 'get_weather', input: { location: 'Paris, France' } }],
      stop: 'tool_use',
      usage: USAGE_CACHED,
    },
    {
      name: 'text, then two parallel tool calls',
      stream: chatStream('openai-parallel-tools.sse'),
      blocks: [
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'call_A', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'call_B', name: 'get_weather', input: { location: 'Rome' } },
      ],
      stop: 'tool_use',
      usage: USAGE_CACHED,
    },
    {
      name: 'parallel tool calls announced first, their arguments interleaved',
      stream: chatStream('interleaved-parallel-tools.sse'),
      blocks: [
        { type: 'tool_use', id: 'call_P', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'call_R', name: 'get_weather', input: { location: 'Rome' } },
      ],
      stop: 'tool_use',
      usage: { input_tokens: 50, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    {
      name: 'reasoning in its own thinking block (DeepSeek)',
      stream: chatStream('deepseek-reasoning.sse'),
      blocks: [
        { type: 'thinking', thinking: 'The user asks for 2+2.', signature: encodeReasoning({ provider: 'p' }) },
        { type: 'text', text: '4.' },
      ],
      stop: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    {
      name: 'finish "stop" after a tool call, name and arguments in one chunk (Ollama)',
      stream: chatStream('ollama-tool-finish-stop.sse'),
      blocks: [{ type: 'tool_use', id: 'call_x9', name: 'Bash', input: { command: 'echo hi' } }],
      stop: 'tool_use',
      usage: { input_tokens: 120, output_tokens: 21, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  ])('$name', async ({ stream, blocks, stop, usage }) => {
    const events = await translate(stream);
    expectValidMessagesStream(events);
    expect(events[0].data.message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [], stop_reason: null });
    expect(events[0].data.message.id).toMatch(/^msg_/);
    expect(accumulate(events)).toEqual(blocks);
    const delta = events.at(-2)!.data;
    expect(delta.delta).toEqual({ stop_reason: stop, stop_sequence: null });
    expect(delta.usage).toEqual(usage);
  });

  it('streams one-after-another tool calls live: each block starts with its first chunk', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const chunks = chatStream('openai-parallel-tools.sse').split('\n\n').filter((e) => e.startsWith('data: {'));
    const outputs = chunks.map((c) => parseEvents(t.event('', c.slice(6))));
    const startOf = (id: string) => outputs.findIndex((evs) => evs.some((e) => e.event === 'content_block_start' && e.data.content_block.id === id));
    const firstChunkOf = (id: string) => chunks.findIndex((c) => c.includes(`"id":"${id}"`));
    expect(startOf('call_A')).toBe(firstChunkOf('call_A'));
    expect(startOf('call_B')).toBe(firstChunkOf('call_B'));
  });

  it('holds message_delta until the usage chunk that follows the finish chunk', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const chunk = (o: object) => JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', ...o });
    expect(t.event('', chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] }))).toContain('text_delta');
    const atFinish = t.event('', chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    expect(parseEvents(atFinish).map((e) => e.event)).toEqual(['content_block_stop']);
    expect(t.ended).toBe(false);
    const atUsage = parseEvents(t.event('', chunk({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 1 } })));
    expect(atUsage.map((e) => e.event)).toEqual(['message_delta', 'message_stop']);
    expect(atUsage[0].data.usage.output_tokens).toBe(1);
    expect(t.ended).toBe(true);
    expect(t.event('', '[DONE]')).toBe('');
  });

  it('turns an upstream keep-alive comment into a ping, after message_start', async () => {
    const events = await translate(`: keep-alive\n\n${fixture('openai-chat.sse')}`);
    expect(events.slice(0, 2).map((e) => e.event)).toEqual(['message_start', 'ping']);
    expectValidMessagesStream(events);
  });

  it('turns a chunk that maps to nothing (an empty keep-alive delta) into a ping', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const chunk = (delta: object) => JSON.stringify({ id: 'x', choices: [{ index: 0, delta, finish_reason: null }] });
    expect(parseEvents(t.event('', chunk({ role: 'assistant', content: '' }))).map((e) => e.event)).toEqual(['message_start']);
    expect(parseEvents(t.event('', chunk({})))).toEqual([{ event: 'ping', data: { type: 'ping' } }]);
    expect(parseEvents(t.event('', chunk({ content: 'a' }))).map((e) => e.event)).toEqual(['content_block_start', 'content_block_delta']);
  });

  it('ends cleanly with [DONE] and no usage chunk (output_tokens 0, never absent)', async () => {
    const noUsage = fixture('openai-chat.sse').split('\n\n').filter((e) => !e.includes('"usage":{')).join('\n\n');
    const events = await translate(noUsage);
    expectValidMessagesStream(events);
    expect(events.at(-2)!.data.usage.output_tokens).toBe(0);
  });

  it('fails a stream that dies before its finish chunk (the guard then sends event: error)', async () => {
    const out = new Response(chatToMessagesStream(bodyOf(chatStream('openai-dies.sse')), { model: 'm', provider: 'p' })).text();
    await expect(out).rejects.toThrow(/ended before/);
  });

  it('turns an error frame in the chat stream into one event: error, and ends', async () => {
    const events = await translate(chatStream('error-frame.sse'));
    expectValidMessagesStream(events, { complete: false });
    expect(events.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'Provider returned error: overloaded' } } });
  });

  // Keys echoed in it are scrubbed by the relay, for every translated stream (test/hostile.test.ts, item 1).
  it('maps an upstream error frame\'s numeric code to the Anthropic error type, and ends', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const out = parseEvents(t.event('', JSON.stringify({ error: { message: 'bad key', code: 401 } })));
    expect(out).toEqual([{ event: 'error', data: { type: 'error', error: { type: 'authentication_error', message: 'bad key' } } }]);
    expect(t.ended).toBe(true);
  });

  it('ignores tool_calls: [] sent alongside text (not a tool call)', async () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const out = t.event('', JSON.stringify({ id: 'x', choices: [{ index: 0, delta: { content: 'Hi', tool_calls: [] }, finish_reason: null }] }));
    expect(parseEvents(out).map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(parseEvents(out)[1].data.content_block.type).toBe('text');
  });

  it('starts a tool_use block only once its name is known, with the arguments that came before', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const tc = (o: object) => JSON.stringify({ id: 'x', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...o }] }, finish_reason: null }] });
    expect(parseEvents(t.event('', tc({ id: 'call_1', function: { arguments: '{"a":' } }))).map((e) => e.event)).toEqual(['message_start']);
    const events = parseEvents(t.event('', tc({ function: { name: 'f', arguments: '1}' } })));
    expect(events.map((e) => e.event)).toEqual(['content_block_start', 'content_block_delta']);
    expect(events[0].data.content_block).toEqual({ type: 'tool_use', id: 'call_1', name: 'f', input: {} });
    expect(events[1].data.delta).toEqual({ type: 'input_json_delta', partial_json: '{"a":1}' });
  });

  it('reports a matched stop string as stop_sequence (vLLM stop_reason)', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    t.event('', JSON.stringify({ id: 'x', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] }));
    const out = parseEvents(t.event('', JSON.stringify({ id: 'x', choices: [{ index: 0, delta: {}, finish_reason: 'stop', stop_reason: 'END' }], usage: { prompt_tokens: 1, completion_tokens: 1 } })));
    expect(out.find((e) => e.event === 'message_delta')!.data.delta).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  it.each([
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
    ['tool_calls', 'tool_use'],
  ])('maps finish_reason %s to stop_reason %s', (finish, stop) => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const out = parseEvents(t.event('', JSON.stringify({ id: 'x', choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: { prompt_tokens: 1, completion_tokens: 1 } })));
    expect(out.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe(stop);
  });

  it('rejects an unreadable chunk (the guard then sends event: error)', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    expect(() => t.event('', '{not json')).toThrow(/unreadable/);
  });
});
