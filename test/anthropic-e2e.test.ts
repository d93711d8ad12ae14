/** Claude through the running gateway, driven by the official `openai` client, against the loopback mock. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, readEvents, startGateway, type RunningGateway } from './helpers.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';

let mock: MockProvider;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockProvider();
  gw = await startGateway({ ...mock.env, ...KEYS });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});

const last = () => mock.requests[mock.requests.length - 1];
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
};

describe('Anthropic through the openai client', () => {
  it('sends the native Messages request with Anthropic auth only', async () => {
    await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }] });
    const r = last();
    expect(r.path).toBe('/anthropic/v1/messages');
    expect(r.headers['x-api-key']).toBe(KEYS.ANTHROPIC_API_KEY);
    expect(r.headers['anthropic-version']).toBe('2023-06-01');
    expect(r.headers.authorization).toBeUndefined();
    expect(r.body).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 4096, system: 'Be brief.', messages: [{ role: 'user', content: 'Capital of France?' }] });
  });

  it('answers plain text in OpenAI shape', async () => {
    const res = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(res.object).toBe('chat.completion');
    expect(res.id).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
    expect(res.choices[0].message).toMatchObject({ role: 'assistant', content: 'The capital of France is Paris.' });
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 10, total_tokens: 31 });
  });

  it('streams text, role chunk first, and no usage chunk unless asked', async () => {
    const stream = await client.chat.completions.create({ model: 'claude-sonnet', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('The capital of France is Paris.');
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.every((c) => !c.usage)).toBe(true);
  });

  it('adds the usage chunk with include_usage', async () => {
    const stream = await client.chat.completions.create({ model: 'claude-sonnet', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const final = chunks.at(-1)!;
    expect(final.choices).toEqual([]);
    expect(final.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 10, total_tokens: 31 });
  });

  it('streams a tool call in fragments that the client reassembles', async () => {
    const runner = client.chat.completions.stream({ model: 'anthropic/tool', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] });
    const done = await runner.finalChatCompletion();
    const message = done.choices[0].message;
    expect(message.content).toBe("I'll check the current weather in Paris for you.");
    expect(message.tool_calls).toHaveLength(1);
    const call = message.tool_calls![0] as { id: string; function: { name: string; arguments: string } };
    expect(call.id).toBe('toolu_01T1x1fJ34qAmk2tNTrN7Up6');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(done.choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers a tool call without streaming', async () => {
    const res = await client.chat.completions.create({ model: 'anthropic/tool', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] });
    const call = res.choices[0].message.tool_calls![0] as { function: { arguments: string } };
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(res.choices[0].finish_reason).toBe('tool_calls');
  });

  it('translates an image part to a base64 image block', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await client.chat.completions.create({
      model: 'claude-haiku',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }],
    });
    expect(last().body.model).toBe('claude-haiku-4-5');
    expect(last().body.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
    ]);
  });

  it('raises an upstream 529 as a 503 InternalServerError keeping the Anthropic type', async () => {
    const err = await client.chat.completions.create({ model: 'anthropic/status:529:anthropic-error-overloaded.json', messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(503);
    expect(err.type).toBe('overloaded_error');
    expect(err.message).toContain('Overloaded');
  });

  it('raises an upstream 401 as AuthenticationError', async () => {
    const err = await client.chat.completions.create({ model: 'anthropic/status:401:anthropic-error-401.json', messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.type).toBe('authentication_error');
  });

  it('raises an error event mid-stream instead of returning a truncated answer', async () => {
    const stream = await client.chat.completions.create({ model: 'anthropic/stream-error', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    const err = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    })().catch((e) => e);
    expect(text).toBe('The capital');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toContain('Overloaded');
  });

  it('rejects n > 1 with a 400 before calling upstream', async () => {
    const before = mock.requests.length;
    const err = await client.chat.completions.create({ model: 'claude-sonnet', n: 2, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe('n');
    expect(mock.requests.length).toBe(before);
  });

  it('keeps the translated stream incremental', async () => {
    const started = Date.now();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'anthropic/slow:200', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const { data, times } = await readEvents(res);
    // 9 Anthropic events 200 ms apart; the role chunk follows the first one at once.
    expect(data.at(-1)).toBe('[DONE]');
    expect(times[0] - started).toBeLessThan(400);
    expect(times.at(-1)! - times[0]).toBeGreaterThan(1200);
  });
});
