/**
 * `/v1/responses` end to end, with the real `openai` SDK: pass-through to a provider that speaks Responses
 * (the mock sees the client's body), translated for a chat-only provider and for Anthropic (responses → chat →
 * Messages). Every answer and every stream event is validated against OpenAI's published schemas.
 */
import { request } from 'node:http';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEYS, parseSse, startGateway, startResponsesUpstreams, type ResponsesUpstreams, type RunningGateway } from './helpers.js';
import { fixture } from './mock-provider.js';
import { checkResponsesStream } from './responses-check.js';
import { assertValid } from './schemas/openapi.js';

const GATEWAY_KEY = 'gw-test-key-responses-0123';

let up: ResponsesUpstreams;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  up = await startResponsesUpstreams();
  gw = await startGateway({ ...up.env, MINI_LLM_API_KEY: GATEWAY_KEY });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await up?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Get the current weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

const TARGETS = [
  { name: 'pass-through (Responses provider)', model: 'gpt-4o-mini', toolModel: 'gpt-4o-mini' },
  { name: 'translated (chat-only provider)', model: 'local', toolModel: 'local' },
  { name: 'translated (Anthropic)', model: 'claude-sonnet', toolModel: 'anthropic/tool' },
];

describe.each(TARGETS)('$name', ({ model, toolModel }) => {
  it('answers responses.create with text, a valid Response', async () => {
    const res = await client.responses.create({ model, input: 'Capital of France?' });
    assertValid('Response', res);
    expect(res.output_text).toBe('The capital of France is Paris.');
    expect(res.status).toBe('completed');
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams with responses.stream(): every event valid, in order, one terminal event', async () => {
    const stream = client.responses.stream({ model, input: 'Capital of France?' });
    let text = '';
    stream.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(text).toBe('The capital of France is Paris.');
    expect(final.output_text).toBe('The capital of France is Paris.');
    assertValid('Response', final);

    const raw = await (await post({ model, input: 'Capital of France?', stream: true })).text();
    expect(raw).not.toContain('[DONE]');
    const events = checkResponsesStream(raw);
    expect(events.at(-1)!.data.type).toBe('response.completed');
    expect(events.at(-1)!.data.response.usage.total_tokens).toBeGreaterThan(0);
  });

  it('runs a function tool round trip: call, function_call_output, answer', async () => {
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.responses.create({ model: toolModel, input, tools: [weatherTool] });
    assertValid('Response', first);
    const call = first.output.find((i) => i.type === 'function_call')!;
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(JSON.parse(call.arguments)).toEqual(expect.any(Object));
    const second = await client.responses.create({
      model,
      tools: [weatherTool],
      input: [...input, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: '18°C and sunny' }],
    });
    assertValid('Response', second);
    expect(second.output_text).toBeTruthy();
    if (model !== 'claude-sonnet') expect(second.output_text).toBe('The tool answered: 18°C and sunny');
    else {
      // The Anthropic mock replays its fixture; what matters is what reached it: the call and its result.
      const sent = up.anthropic.requests.at(-1)!.body;
      expect(sent.messages.at(-2).content).toContainEqual(expect.objectContaining({ type: 'tool_use', id: call.call_id, name: 'get_weather' }));
      expect(sent.messages.at(-1).content).toContainEqual(expect.objectContaining({ type: 'tool_result', tool_use_id: call.call_id, content: '18°C and sunny' }));
    }
  });

  it('streams a function call: arguments deltas, output_item.done carries the call', async () => {
    const raw = await (await post({ model: toolModel, input: 'Weather in Paris?', tools: [weatherTool], stream: true })).text();
    const events = checkResponsesStream(raw);
    const done = events.find((e) => e.data.type === 'response.output_item.done' && e.data.item.type === 'function_call')!;
    expect(done.data.item).toMatchObject({ name: 'get_weather', status: 'completed', call_id: expect.any(String) });
    const deltas = events.filter((e) => e.data.type === 'response.function_call_arguments.delta').map((e) => e.data.delta).join('');
    expect(deltas).toBe(done.data.item.arguments);
    const stream = client.responses.stream({ model: toolModel, input: 'Weather in Paris?', tools: [weatherTool] });
    const final = await stream.finalResponse();
    expect(final.output.filter((i) => i.type === 'function_call')).toHaveLength(1);
  });
});

describe.each(TARGETS.slice(0, 2))('structured output via text.format, $name', ({ model }) => {
  const City = z.object({ city: z.string(), population: z.number() });
  it('parses the answer with responses.parse', async () => {
    const res = await client.responses.parse({ model, input: 'Largest city in France?', text: { format: zodTextFormat(City, 'city') } });
    expect(res.output_parsed).toEqual({ city: 'Paris', population: 18 });
  });
});

describe('pass-through', () => {
  it('sends the client body with only model replaced, and returns the bytes unchanged', async () => {
    const body = { model: 'gpt-4o-mini', input: [{ role: 'user', content: 'Capital of France?' }], store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'k1', reasoning: { effort: 'low' }, client_metadata: { a: 'b' } };
    const res = await post(body);
    expect(await res.text()).toBe(fixture('openai-responses.json'));
    const rec = up.responses.requests.at(-1)!;
    expect(rec.path).toBe('/v1/responses');
    expect(rec.headers.authorization).toBe(`Bearer ${KEYS.OPENAI_API_KEY}`);
    expect(rec.body).toEqual({ ...body, model: 'gpt-4o-mini' });
    const streamed = await (await post({ ...body, stream: true })).text();
    expect(streamed).toBe(fixture('openai-responses.sse'));
  });

  it('ends a stream that dies midway with error + response.failed, both valid', async () => {
    const res = await post({ model: 'openai/die-after:5', input: 'hi', stream: true });
    const raw = await res.text();
    const events = checkResponsesStream(raw, { counted: false });
    const [err, failed] = events.slice(-2).map((e) => e.data);
    expect(err).toMatchObject({ type: 'error', code: 'upstream_disconnected' });
    expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    expect(failed.response.error.message).toContain('upstream_disconnected');
    const sdk = await client.responses.create({ model: 'openai/die-after:5', input: 'hi', stream: true }).then(async (s) => {
      for await (const _ of s);
    }).catch((e) => e);
    expect(sdk).toBeInstanceOf(OpenAI.APIError);
    expect(sdk.message).toContain('upstream_disconnected');
  });

  it('passes an upstream 429 on as RateLimitError', async () => {
    const err = await client.responses.create({ model: 'openai/status:429', input: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe('translated', () => {
  it('maps the request onto chat: instructions and developer → system, flat tools → nested, no Responses fields', async () => {
    await client.responses.create({
      model: 'local',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in English.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Look:' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'high' }] },
      ],
      tools: [weatherTool, { type: 'web_search' }],
      tool_choice: 'none',
      max_output_tokens: 100,
      temperature: 0.5,
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'k',
      reasoning: { effort: 'low', summary: 'auto' },
    });
    const sent = up.chat.requests.at(-1)!.body;
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Answer in English.' },
      { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } }] },
    ]);
    expect(sent.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: weatherTool.description, parameters: weatherTool.parameters, strict: true } }]);
    expect(sent).toMatchObject({ model: 'qwen3-8b', tool_choice: 'none', max_completion_tokens: 100, temperature: 0.5, reasoning_effort: 'low' });
    for (const k of ['store', 'include', 'prompt_cache_key', 'input', 'instructions', 'reasoning']) expect(sent).not.toHaveProperty(k);
  });

  it('refuses previous_response_id and conversation: 400 previous_response_not_found, stateless', async () => {
    for (const extra of [{ previous_response_id: 'resp_x' }, { conversation: 'conv_1' }]) {
      const err = await client.responses.create({ model: 'local', input: 'hi', ...extra }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.code).toBe('previous_response_not_found');
      expect(err.message).toContain('stateless');
    }
  });

  it('refuses a tool_choice that forces a hosted tool', async () => {
    const res = await post({ model: 'local', input: 'hi', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_tool_choice', param: 'tool_choice' });
  });

  it('maps a custom tool (Codex apply_patch) to a function and back to custom_tool_call, whole and streamed', async () => {
    const tools = [{ type: 'custom', name: 'apply_patch', description: 'Apply a patch.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch"' } }];
    const res = await post({ model: 'local', input: 'patch it', tools });
    const whole = await res.json();
    assertValid('Response', whole);
    expect(whole.output).toEqual([expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', input: 'Paris', call_id: 'call_mock_0001' })]);
    const sentTool = up.chat.requests.at(-1)!.body.tools[0].function;
    expect(sentTool.name).toBe('apply_patch');
    expect(sentTool.description).toContain('*** Begin Patch');
    const events = checkResponsesStream(await (await post({ model: 'local', input: 'patch it', tools, stream: true })).text());
    expect(events.map((e) => e.data.type)).toContain('response.custom_tool_call_input.done');
    expect(events.at(-1)!.data.response.output[0]).toMatchObject({ type: 'custom_tool_call', input: 'Paris' });
    // and the call goes back as a tool call with its output
    await post({ model: 'local', tools, input: [{ role: 'user', content: 'patch it' }, whole.output[0], { type: 'custom_tool_call_output', call_id: 'call_mock_0001', output: 'Done!' }] });
    const back = up.chat.requests.at(-1)!.body.messages;
    expect(back.at(-2).tool_calls[0].function).toEqual({ name: 'apply_patch', arguments: '{"input":"Paris"}' });
    expect(back.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_mock_0001', content: 'Done!' });
  });

  it('flattens namespace tools and maps calls back with their namespace', async () => {
    const tools = [{ type: 'namespace', name: 'weather', description: 'Weather tools.', tools: [{ type: 'function', name: 'now', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] }];
    const whole = await (await post({ model: 'local', input: 'weather?', tools })).json();
    assertValid('Response', whole);
    expect(whole.output[0]).toMatchObject({ type: 'function_call', namespace: 'weather', name: 'now', arguments: '{"city":"Paris"}' });
    expect(up.chat.requests.at(-1)!.body.tools[0].function.name).toBe('weather__now');
  });

  it('returns reasoning as a reasoning item with its summary, and usage with cached and reasoning tokens', async () => {
    const whole = await (await post({ model: 'chatonly/reasoning', input: 'Capital?' })).json();
    assertValid('Response', whole);
    expect(whole.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user asks for a capital. Paris.' }] });
    expect(whole.output[1]).toMatchObject({ type: 'message' });
    expect(whole.usage).toMatchObject({ input_tokens: 20, input_tokens_details: { cached_tokens: 4 }, output_tokens_details: { reasoning_tokens: 3 } });
    const events = checkResponsesStream(await (await post({ model: 'chatonly/reasoning', input: 'Capital?', stream: true })).text());
    const summary = events.filter((e) => e.data.type === 'response.reasoning_summary_text.delta').map((e) => e.data.delta).join('');
    expect(summary).toBe('The user asks for a capital. Paris.');
    expect(events.at(-1)!.data.response.usage.output_tokens_details.reasoning_tokens).toBe(3);
    const final = await client.responses.stream({ model: 'chatonly/reasoning', input: 'Capital?' }).finalResponse();
    expect(final.output.map((i) => i.type)).toEqual(['reasoning', 'message']);
    expect(final.output_text).toBe('The capital of France is Paris.');
  });

  it.each([false, true])('carries signed thinking blocks out as encrypted_content and back onto the assistant turn (stream: %s)', async (stream) => {
    const first = { model: 'chatonly/thinking', input: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool], include: ['reasoning.encrypted_content'], store: false, stream };
    const res = await post(first);
    const answer = stream ? checkResponsesStream(await res.text()).at(-1)!.data.response : await res.json();
    assertValid('Response', answer);
    expect(answer.output.map((i: any) => i.type)).toEqual(['reasoning', 'function_call']);
    expect(answer.output[0].encrypted_content).toMatch(/^mlgw\.reasoning\.v1:/);
    await post({ ...first, stream: false, input: [...first.input, ...answer.output, { type: 'function_call_output', call_id: answer.output[1].call_id, output: 'sunny' }] });
    const sent = up.chat.requests.at(-1)!.body.messages;
    expect(sent.at(-2)).toMatchObject({ role: 'assistant', thinking_blocks: [{ type: 'thinking', thinking: 'The user asks for a capital. Paris.', signature: 'EqQBCgIYAhIM-mock-signature' }], tool_calls: [{ id: answer.output[1].call_id }] });
    // Without include, no encrypted_content (as OpenAI does).
    const plain = await (await post({ ...first, include: undefined, stream: false })).json();
    expect(plain.output[0]).not.toHaveProperty('encrypted_content');
  });

  it('reports a cut answer as incomplete (max_output_tokens), whole and streamed', async () => {
    const whole = await (await post({ model: 'chatonly/length', input: 'hi' })).json();
    assertValid('Response', whole);
    expect(whole).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    const events = checkResponsesStream(await (await post({ model: 'chatonly/length', input: 'hi', stream: true })).text());
    expect(events.at(-1)!.data).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete' } });
  });

  it('passes keep-alive comments on through a silent stretch', async () => {
    const raw = await (await post({ model: 'chatonly/comments:3', input: 'hi', stream: true })).text();
    expect(parseSse(raw).comments).toEqual([': keep-alive', ': keep-alive', ': keep-alive']);
    checkResponsesStream(raw);
  });

  it('ends a stream that dies midway with response.failed (server_error), numbered in sequence', async () => {
    const raw = await (await post({ model: 'chatonly/die-after:4', input: 'hi', stream: true })).text();
    const events = checkResponsesStream(raw);
    expect(events.at(-1)!.data.response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    expect(events.at(-1)!.data.response.error.message).toContain('upstream_disconnected');
    expect(events.filter((e) => e.data.type.startsWith('response.') && ['response.completed', 'response.failed', 'response.incomplete'].includes(e.data.type))).toHaveLength(1);
  });

  it('turns an Anthropic error event mid-stream into response.failed', async () => {
    const raw = await (await post({ model: 'anthropic/stream-error', input: 'hi', stream: true })).text();
    const events = checkResponsesStream(raw);
    expect(events.at(-1)!.data).toMatchObject({ type: 'response.failed', response: { error: { code: 'server_error' } } });
  });
});

describe('the route', () => {
  it.each([['with', { authorization: `Bearer ${GATEWAY_KEY}` }], ['without', {}]])('answers a WebSocket attempt %s the gateway key with 426, so Codex falls back to HTTP at once', async (_, auth) => {
    // A real upgrade request (fetch cannot send one), as a WebSocket client opens it.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${gw.url}/v1/responses`, {
        headers: { ...auth, upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.setTimeout(5000, () => req.destroy(new Error('no answer to the upgrade request')));
      req.end();
    });
    expect(status).toBe(426);
    expect(JSON.parse(body).error.code).toBe('websocket_not_supported');
  });

  it('answers GET and DELETE /v1/responses/{id} with a clear 404 (nothing is stored)', async () => {
    const err = await client.responses.retrieve('resp_123').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toContain('stateless');
    const del = await fetch(`${gw.url}/v1/responses/resp_123`, { method: 'DELETE', headers: { authorization: `Bearer ${GATEWAY_KEY}` } });
    expect(del.status).toBe(404);
    expect((await del.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
  });

  it('gives errors before the stream in OpenAI shape, behind the gateway key, logged with route responses', async () => {
    const unknown = await post({ model: 'no-such-model', input: 'hi' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
    const unauth = await fetch(`${gw.url}/v1/responses`, { method: 'POST', body: '{}' });
    expect(unauth.status).toBe(401);
    expect((await unauth.json()).error.code).toBe('invalid_api_key');
    await post({ model: 'local', input: 'hi' });
    const line = JSON.parse(gw.logs.at(-1)!);
    expect(line).toMatchObject({ route: 'responses', path: '/v1/responses', provider: 'chatonly', status: 200 });
  });
});
