/** PROVIDERS.md §3d: Anthropic message → OpenAI chat.completion, and the adapter's non-stream path. */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { toOpenAIResponse, type AnthropicMessage } from '../../src/providers/anthropic/response.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

describe('toOpenAIResponse', () => {
  it('text answer (anthropic-messages.json)', () => {
    expect(toOpenAIResponse(fixture('anthropic-messages.json'), 1_700_000_000)).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-sonnet-4-6',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'The capital of France is Paris.', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 21, completion_tokens: 10, total_tokens: 31, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('text and tool call (anthropic-tool-use.json)', () => {
    const out = toOpenAIResponse(fixture('anthropic-tool-use.json'), 1);
    expect(out.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll check the current weather in Paris for you.",
        refusal: null,
        tool_calls: [
          {
            id: 'toolu_01A09q90qw90lq917835lq9',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"Paris, France","unit":"celsius"}' },
          },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
    expect(out.usage).toEqual({ prompt_tokens: 412, completion_tokens: 78, total_tokens: 490, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  const base = { id: 'msg_1', model: 'claude-x', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
  it.each<{ name: string; content: AnthropicMessage['content']; text: string | null; tools: number }>([
    { name: 'tool calls only → content null', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }], text: null, tools: 1 },
    { name: 'no blocks → content null', content: [], text: null, tools: 0 },
    {
      name: 'several text blocks are concatenated',
      content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }],
      text: 'ab',
      tools: 0,
    },
    {
      name: 'thinking and redacted_thinking are dropped',
      content: [{ type: 'thinking', text: 'hmm' }, { type: 'redacted_thinking' }, { type: 'text', text: 'ok' }],
      text: 'ok',
      tools: 0,
    },
    {
      name: 'two tool calls keep their order',
      content: [
        { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
        { type: 'tool_use', id: 't2', name: 'g', input: {} },
      ],
      text: null,
      tools: 2,
    },
  ])('$name', ({ content, text, tools }) => {
    const msg = toOpenAIResponse({ ...base, content }, 1).choices[0].message;
    expect(msg.content).toBe(text);
    expect(msg.tool_calls?.length ?? 0).toBe(tools);
  });

  it('uses the current time when created is not given', () => {
    const before = Math.floor(Date.now() / 1000);
    const out = toOpenAIResponse(fixture('anthropic-messages.json'));
    expect(out.created).toBeGreaterThanOrEqual(before);
    expect(out.created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe('anthropic.chatResponse (non-stream)', () => {
  it('returns one JSON chunk with the translated body', async () => {
    const upstream = new Response(readFileSync(new URL('../fixtures/anthropic-tool-use.json', import.meta.url)), {
      headers: { 'content-type': 'application/json' },
    });
    const out = await anthropic.chatResponse!(upstream, { stream: false, includeUsage: false, maxStreamState: 1 << 20 });
    expect(out.contentType).toBe('application/json');
    const json = JSON.parse(await new Response(out.body).text());
    expect(json.object).toBe('chat.completion');
    expect(json.choices[0].finish_reason).toBe('tool_calls');
    expect(json.choices[0].message.tool_calls[0].function.name).toBe('get_weather');
  });
});
