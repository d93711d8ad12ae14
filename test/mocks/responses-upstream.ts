/**
 * A provider that speaks OpenAI's Responses API (`POST /v1/responses`), for pass-through tests: it records the
 * body it received (so a test sees what the client sent) and answers as OpenAI does. A plain question gets the
 * recorded fixtures (`openai-responses.json` / `.sse`) byte for byte, a `get_weather` call the tool fixtures;
 * any other reply (`scripted-reply.ts`: tool results, other tools, JSON schemas) is built in the same shape.
 * It rejects chat-shaped bodies (`messages`) as OpenAI does. The model picks a scenario:
 *
 *   anything        as above
 *   die-after:N     N SSE events of the answer, then the connection is destroyed
 *   hang-after:N    N SSE events of the answer, then silence (the connection stays open)
 *   status:CODE     answer CODE with an OpenAI error body
 */
import { fixture } from '../mock-provider.js';
import { decide, PLAIN_TEXT, type Reply } from './scripted-reply.js';
import { openAIError, pieces, splitEvents, startLoopback, writeEvents, type Loopback } from './loopback.js';

type Json = Record<string, any>;

function lastUserText(items: Json[], input: unknown): string {
  if (typeof input === 'string') return input;
  const m = [...items].reverse().find((x) => x?.role === 'user');
  return typeof m?.content === 'string' ? m.content : Array.isArray(m?.content) ? m.content.map((p: Json) => p?.text ?? '').join('') : '';
}

export function responsesReply(b: Json): Reply {
  const input = Array.isArray(b.input) ? b.input : [];
  const last = input.at(-1);
  const output = last?.type === 'function_call_output' || last?.type === 'custom_tool_call_output' ? last.output : undefined;
  return decide({
    tools: (b.tools ?? []).filter((t: Json) => t?.type === 'function').map((t: Json) => ({ name: t.name, parameters: t.parameters })),
    toolsRefused: b.tool_choice === 'none',
    prompt: lastUserText(input, b.input),
    toolResult: output === undefined ? undefined : typeof output === 'string' ? output : JSON.stringify(output),
    schema: b.text?.format?.type === 'json_schema' ? b.text.format.schema : undefined,
  });
}

const FIXTURE_CALL = '{"city":"Paris"}';

/** The fixture for this reply (recorded bytes), when there is one. */
function fixtureFor(reply: Reply, stream: boolean): string | undefined {
  const ext = stream ? 'sse' : 'json';
  if (reply.text === PLAIN_TEXT) return fixture(`openai-responses.${ext}`);
  if (reply.call?.name === 'get_weather' && reply.call.arguments === FIXTURE_CALL) return fixture(`openai-responses-tool.${ext}`);
  return undefined;
}

/** A reply in the fixtures' shape: the whole response and its event stream. */
function build(b: Json, reply: Reply): { whole: Json; events: string[] } {
  const template = JSON.parse(fixture('openai-responses.json')) as Json;
  const id = 'resp_mock_generated_0001';
  const items: Json[] = [];
  const events: Json[] = [];
  const created: Json = { ...template, id, status: 'in_progress', output: [], completed_at: null, model: b.model, tools: b.tools ?? [], tool_choice: b.tool_choice ?? 'auto', text: b.text ?? template.text };
  delete created.usage;
  events.push({ type: 'response.created', response: created }, { type: 'response.in_progress', response: created });
  if (reply.text !== undefined) {
    const msg = { id: 'msg_mock_generated_0001', type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text: reply.text }], role: 'assistant' };
    const at = { item_id: msg.id, output_index: items.length, content_index: 0 };
    events.push({ type: 'response.output_item.added', output_index: at.output_index, item: { ...msg, status: 'in_progress', content: [] } });
    events.push({ type: 'response.content_part.added', ...at, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
    for (const d of pieces(reply.text)) events.push({ type: 'response.output_text.delta', ...at, delta: d, logprobs: [] });
    events.push({ type: 'response.output_text.done', ...at, text: reply.text, logprobs: [] });
    events.push({ type: 'response.content_part.done', ...at, part: msg.content[0] });
    events.push({ type: 'response.output_item.done', output_index: at.output_index, item: msg });
    items.push(msg);
  }
  if (reply.call) {
    const item = { id: 'fc_mock_generated_0001', type: 'function_call', status: 'completed', arguments: reply.call.arguments, call_id: 'call_mock_generated_0001', name: reply.call.name };
    const at = { item_id: item.id, output_index: items.length };
    events.push({ type: 'response.output_item.added', output_index: at.output_index, item: { ...item, status: 'in_progress', arguments: '' } });
    for (const d of pieces(reply.call.arguments, 2)) events.push({ type: 'response.function_call_arguments.delta', ...at, delta: d });
    events.push({ type: 'response.function_call_arguments.done', ...at, name: item.name, arguments: item.arguments });
    events.push({ type: 'response.output_item.done', output_index: at.output_index, item });
    items.push(item);
  }
  const whole = { ...created, status: 'completed', completed_at: template.completed_at, output: items, usage: template.usage };
  events.push({ type: 'response.completed', response: whole });
  return { whole, events: events.map((e, i) => `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`) };
}

export async function startResponsesUpstream(): Promise<Loopback> {
  return startLoopback(async (rec, res) => {
    if (rec.method !== 'POST' || rec.path !== '/v1/responses') return openAIError(res, 404, `Unknown route: ${rec.method} ${rec.path}`);
    const b = rec.body as Json;
    if (typeof b !== 'object' || b === null) return openAIError(res, 400, 'We could not parse the JSON body of your request.');
    if ('messages' in b) return openAIError(res, 400, "Unsupported parameter: 'messages'. In the Responses API, this parameter has moved to 'input'.", 'messages', 'unsupported_parameter');
    if (typeof b.model !== 'string') return openAIError(res, 400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    if (b.input !== undefined && typeof b.input !== 'string' && !Array.isArray(b.input)) return openAIError(res, 400, "Invalid type for 'input'.", 'input');
    if (Array.isArray(b.input) && b.input.some((i: unknown) => typeof i !== 'object' || i === null || Array.isArray(i))) return openAIError(res, 400, "Invalid type for 'input[0]': expected an object.", 'input');
    if (b.tools !== undefined && (!Array.isArray(b.tools) || b.tools.some((t: any) => typeof t?.type !== 'string'))) return openAIError(res, 400, "Invalid type for 'tools'.", 'tools');
    const [scenario, arg] = b.model.split(':');
    if (scenario === 'status') return openAIError(res, Number(arg), `mock failure ${arg}`, null, Number(arg) === 429 ? 'rate_limit_exceeded' : null);
    const reply = responsesReply(b);
    const stream = b.stream === true;
    const recorded = fixtureFor(reply, stream);
    if (!stream) {
      const text = recorded ?? JSON.stringify(build(b, reply).whole);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-request-id': 'req_mock_upstream' }).end(text);
      return;
    }
    const events = recorded ? splitEvents(recorded) : build(b, reply).events;
    await writeEvents(res, events, { dieAfter: scenario === 'die-after' ? Number(arg) : undefined, hangAfter: scenario === 'hang-after' ? Number(arg) : undefined });
  });
}
