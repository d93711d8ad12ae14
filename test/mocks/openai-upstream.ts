/**
 * A strict mock of OpenAI's API serving reasoning models: `POST /v1/responses` (whole and SSE) and
 * `POST /v1/chat/completions`. It records every request and rejects, with OpenAI's status and error shape, what
 * OpenAI rejects where a translation could go wrong:
 * - Responses: a wrong key; unknown top-level fields; input items, tools, tool_choice, `text` and `reasoning` that
 *   OpenAI's published schemas (test/schemas) refuse; `max_output_tokens` below 16; an `include` it does not know;
 *   a reasoning item without `encrypted_content` under `store: false` ("Item with id 'rs_…' not found…"), with
 *   encrypted content this mock did not issue for that id (modified or foreign state: "could not be verified"), or
 *   not followed by the item it preceded; a `function_call_output` whose call is not in the input; asking a model
 *   without reasoning (gpt-4o) for encrypted reasoning ("Encrypted content is not supported with this model.").
 * - Chat: function tools together with `reasoning_effort` for `gpt-5*` models, as OpenAI does ("Function tools
 *   with reasoning_effort are not supported for gpt-5.4 in /v1/chat/completions. Please use /v1/responses
 *   instead."); other chat requests get a short answer.
 * The model: a `gpt-5*` or `o*` name reasons (a reasoning item first; its summary when `reasoning.summary` is set;
 * its encrypted content when `include` asks for it). With tools offered, it calls the first one while fewer than
 * `toolTurns` tool results are in the input, then answers with text quoting the last result. A model name ending
 * in `-incomplete` stops at the token limit (`response.incomplete`), one ending in `-failed` fails
 * (`response.failed` in a stream, status "failed" whole).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { fixture } from '../mock-provider.js';
import { schemaErrors } from '../schemas/openapi.js';
import { openAIError, pieces, startLoopback, writeEvents, type Loopback } from './loopback.js';
import { PLAIN_TEXT, sample } from './scripted-reply.js';

type Json = Record<string, any>;

export const OPENAI_KEY = 'sk-openai-mock-reasoning-0123456789';

export interface OpenAIUpstream extends Loopback {
  /** Tool calls the model makes (one per turn) before it answers with text; default 2 (a three-turn loop). */
  toolTurns: number;
  /** Every reasoning item issued, in order (what a client must replay unmodified). */
  issued: Json[];
  /** Env for the gateway: the `openai` provider pointed here, with the key the mock expects. */
  env: Record<string, string>;
  /** The tool call the model makes on a request that calls one, when set (an agent's own tools); else the first tool. */
  pickCall?: (body: Json) => { name: string; arguments: string } | undefined;
}

const RESPONSES_FIELDS = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens', 'max_tool_calls', 'temperature', 'top_p',
  'reasoning', 'text', 'stream', 'stream_options', 'store', 'include', 'user', 'metadata', 'service_tier', 'prompt_cache_key',
  'prompt_cache_retention', 'safety_identifier', 'truncation', 'background', 'previous_response_id', 'conversation', 'top_logprobs',
]);
const INCLUDABLE = new Set(['reasoning.encrypted_content', 'message.output_text.logprobs', 'file_search_call.results', 'web_search_call.action.sources', 'code_interpreter_call.outputs', 'computer_call_output.output.image_url', 'message.input_image.image_url']);

const reasons = (model: string) => /^(gpt-5|o\d)/.test(model) && !model.includes('-chat');

/** The first reason OpenAI would refuse this Responses body: [message, param, code]. */
function responsesProblem(b: Json, issued: Map<string, string>): [string, string | null, string | null] | undefined {
  for (const k of Object.keys(b)) if (!RESPONSES_FIELDS.has(k)) return [`Unknown parameter: '${k}'.`, k, 'unknown_parameter'];
  if (typeof b.model !== 'string') return ["Missing required parameter: 'model'.", 'model', 'missing_required_parameter'];
  if (typeof b.max_output_tokens === 'number' && b.max_output_tokens < 16) {
    return [`Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${b.max_output_tokens} instead.`, 'max_output_tokens', 'integer_below_min_value'];
  }
  for (const inc of b.include ?? []) if (!INCLUDABLE.has(inc)) return [`Invalid value: '${inc}'.`, 'include', 'invalid_value'];
  if (b.include?.includes('reasoning.encrypted_content') && !reasons(b.model)) return ['Encrypted content is not supported with this model.', 'include', null];
  const checks: Array<[string, unknown, string]> = [['reasoning', b.reasoning, 'Reasoning'], ['text', b.text, 'ResponseTextParam'], ['tool_choice', b.tool_choice, 'ToolChoiceParam']];
  (b.tools ?? []).forEach((t: unknown, i: number) => checks.push([`tools[${i}]`, t, 'Tool']));
  const input: Json[] = typeof b.input === 'string' ? [] : Array.isArray(b.input) ? b.input : [];
  // InputItem is a oneOf whose members overlap (a user message is both an EasyInputMessage and an InputMessage).
  input.forEach((item, i) => checks.push([`input[${i}]`, item, item?.type === 'message' || (item?.type === undefined && item?.role) ? 'EasyInputMessage' : 'InputItem']));
  for (const [param, value, schema] of checks) {
    if (value === undefined) continue;
    const errs = schemaErrors(schema, value);
    if (errs.length > 0) return [`Invalid '${param}': ${errs[0]}`, param, 'invalid_value'];
  }
  const calls = new Set<string>();
  for (const [i, item] of input.entries()) {
    if (item.type === 'reasoning') {
      if (typeof item.encrypted_content !== 'string') {
        const why = b.store === false ? ' Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input.' : '';
        return [`Item with id '${item.id}' not found.${why}`, 'input', null];
      }
      if (issued.get(item.id) !== item.encrypted_content) return [`The encrypted content for item ${item.id} could not be verified.`, 'input', 'invalid_encrypted_content'];
      const next = input[i + 1];
      if (!next || !(next.type === 'function_call' || next.type === 'reasoning' || (next.type === 'message' && next.role === 'assistant'))) {
        return [`Item '${item.id}' of type 'reasoning' was provided without its required following item.`, 'input', null];
      }
    }
    if (item.type === 'function_call') calls.add(item.call_id);
    if (item.type === 'function_call_output' && !calls.has(item.call_id)) return [`No tool call found for function call output with call_id ${item.call_id}.`, 'input', null];
  }
  return undefined;
}

/** What the model does on this request. */
function decideTurn(b: Json, toolTurns: number, pickCall?: OpenAIUpstream['pickCall']): { turn: number; call?: { name: string; arguments: string }; text?: string } {
  const input: Json[] = Array.isArray(b.input) ? b.input : [];
  const results = input.filter((i) => i.type === 'function_call_output');
  const turn = results.length + 1;
  const tools = (b.tools ?? []).filter((t: Json) => t.type === 'function');
  if (tools.length > 0 && b.tool_choice !== 'none' && results.length < toolTurns) {
    return { turn, call: pickCall?.(b) ?? { name: tools[0].name, arguments: JSON.stringify(sample(tools[0].parameters)) } };
  }
  const last = results.at(-1);
  return { turn, text: last ? `The tool answered: ${String(last.output).trim()}` : PLAIN_TEXT };
}

const USAGE = { input_tokens: 40, input_tokens_details: { cached_tokens: 8, cache_write_tokens: 0 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 12 }, total_tokens: 70 };

/** The answer: the whole response and its SSE events (valid per OpenAI's schemas; the mock's own test checks). */
function answer(b: Json, mock: OpenAIUpstream, issued: Map<string, string>): { whole: Json; events: string[] } {
  const template = JSON.parse(fixture('openai-responses.json')) as Json;
  const seq = mock.requests.length;
  const id = `resp_mock_reasoning_${seq}`;
  const { turn, call, text } = decideTurn(b, mock.toolTurns, mock.pickCall);
  const incomplete = b.model.endsWith('-incomplete');
  const failed = b.model.endsWith('-failed');
  const base: Json = {
    ...template, id, model: b.model, status: 'in_progress', completed_at: null, output: [], tools: b.tools ?? [], tool_choice: b.tool_choice ?? 'auto',
    text: b.text ?? template.text, reasoning: { effort: b.reasoning?.effort ?? null, summary: b.reasoning?.summary ?? null }, instructions: b.instructions ?? null,
    max_output_tokens: b.max_output_tokens ?? null, store: b.store ?? true,
  };
  delete base.usage;
  const events: Json[] = [{ type: 'response.created', response: base }, { type: 'response.in_progress', response: base }];
  const output: Json[] = [];
  if (failed) {
    const whole = { ...base, status: 'failed', error: { code: 'server_error', message: 'The model failed to generate a response.' } };
    events.push({ type: 'response.failed', response: whole });
    return { whole, events: numbered(events) };
  }
  if (reasons(b.model)) {
    const rid = `rs_mock_${seq}_${randomBytes(6).toString('hex')}`;
    const summary = b.reasoning?.summary ? `Turn ${turn}: ${call ? `I should call ${call.name}.` : 'I can answer now.'}` : undefined;
    const item: Json = { id: rid, type: 'reasoning', summary: summary ? [{ type: 'summary_text', text: summary }] : [] };
    if ((b.include ?? []).includes('reasoning.encrypted_content')) {
      item.encrypted_content = `gAAAAB${Buffer.from(JSON.stringify({ id: rid, turn, n: randomBytes(12).toString('base64') })).toString('base64url')}`;
      issued.set(rid, item.encrypted_content);
      mock.issued.push(item);
    }
    const at = { item_id: rid, output_index: output.length };
    events.push({ type: 'response.output_item.added', output_index: at.output_index, item: { id: rid, type: 'reasoning', summary: [] } });
    if (summary) {
      events.push({ type: 'response.reasoning_summary_part.added', ...at, summary_index: 0, part: { type: 'summary_text', text: '' } });
      for (const d of pieces(summary)) events.push({ type: 'response.reasoning_summary_text.delta', ...at, summary_index: 0, delta: d });
      events.push({ type: 'response.reasoning_summary_text.done', ...at, summary_index: 0, text: summary });
      events.push({ type: 'response.reasoning_summary_part.done', ...at, summary_index: 0, part: { type: 'summary_text', text: summary } });
    }
    events.push({ type: 'response.output_item.done', output_index: at.output_index, item });
    output.push(item);
  }
  if (text !== undefined) {
    const said = incomplete ? text.slice(0, 10) : text;
    const msg = { id: `msg_mock_${seq}`, type: 'message', status: incomplete ? 'incomplete' : 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text: said }], role: 'assistant' };
    const at = { item_id: msg.id, output_index: output.length, content_index: 0 };
    events.push({ type: 'response.output_item.added', output_index: at.output_index, item: { ...msg, status: 'in_progress', content: [] } });
    events.push({ type: 'response.content_part.added', ...at, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
    for (const d of pieces(said)) events.push({ type: 'response.output_text.delta', ...at, delta: d, logprobs: [] });
    events.push({ type: 'response.output_text.done', ...at, text: said, logprobs: [] });
    events.push({ type: 'response.content_part.done', ...at, part: msg.content[0] });
    events.push({ type: 'response.output_item.done', output_index: at.output_index, item: msg });
    output.push(msg);
  }
  if (call) {
    const item = { id: `fc_mock_${seq}`, type: 'function_call', status: 'completed', arguments: call.arguments, call_id: `call_mock_${seq}_${turn}`, name: call.name };
    const at = { item_id: item.id, output_index: output.length };
    events.push({ type: 'response.output_item.added', output_index: at.output_index, item: { ...item, status: 'in_progress', arguments: '' } });
    for (const d of pieces(call.arguments, 2)) events.push({ type: 'response.function_call_arguments.delta', ...at, delta: d });
    events.push({ type: 'response.function_call_arguments.done', ...at, name: item.name, arguments: item.arguments });
    events.push({ type: 'response.output_item.done', output_index: at.output_index, item });
    output.push(item);
  }
  const whole = {
    ...base, output, usage: USAGE,
    ...(incomplete ? { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } : { status: 'completed', completed_at: template.completed_at }),
  };
  events.push({ type: incomplete ? 'response.incomplete' : 'response.completed', response: whole });
  return { whole, events: numbered(events) };
}

const numbered = (events: Json[]) => events.map((e, i) => `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`);

const TOOLS_WITH_REASONING = (model: string) =>
  `Function tools with reasoning_effort are not supported for ${model} in /v1/chat/completions. Please use /v1/responses instead.`;

/** `/v1/chat/completions`: refuses what OpenAI refuses for gpt-5 models; otherwise a short text answer. */
function chat(b: Json, res: ServerResponse): void {
  if (typeof b?.model !== 'string' || !Array.isArray(b.messages)) return void openAIError(res, 400, "Missing required parameter: 'messages'.", 'messages');
  if (b.model.startsWith('gpt-5') && Array.isArray(b.tools) && b.tools.length > 0 && b.reasoning_effort !== undefined && b.reasoning_effort !== 'none') {
    return void openAIError(res, 400, TOOLS_WITH_REASONING(b.model.replace(/-\d{4}-\d{2}-\d{2}$/, '')), 'reasoning_effort');
  }
  const base = { id: 'chatcmpl-mock-openai', created: 1767000000, model: b.model };
  const message = { role: 'assistant', content: PLAIN_TEXT, refusal: null };
  if (b.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }] }));
    return;
  }
  const chunk = (delta: Json, finish: string | null = null) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  void writeEvents(res, [chunk({ role: 'assistant', content: '' }), ...pieces(PLAIN_TEXT).map((p) => chunk({ content: p })), chunk({}, 'stop'), 'data: [DONE]\n\n']);
}

export async function startOpenAIUpstream(): Promise<OpenAIUpstream> {
  const issued = new Map<string, string>();
  const mock = {} as OpenAIUpstream;
  const loop = await startLoopback(async (rec, res) => {
    if (rec.headers.authorization !== `Bearer ${OPENAI_KEY}`) return openAIError(res, 401, 'Incorrect API key provided.', null, 'invalid_api_key');
    const b = rec.body as Json;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return openAIError(res, 400, 'We could not parse the JSON body of your request.');
    if (rec.method === 'POST' && rec.path === '/v1/chat/completions') return chat(b, res);
    if (rec.method !== 'POST' || rec.path !== '/v1/responses') return openAIError(res, 404, `Unknown route: ${rec.method} ${rec.path}`);
    const problem = responsesProblem(b, issued);
    if (problem) return openAIError(res, 400, ...problem);
    const { whole, events } = answer(b, mock, issued);
    if (b.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_mock_openai' }).end(JSON.stringify(whole));
      return;
    }
    await writeEvents(res, events);
  });
  return Object.assign(mock, loop, {
    toolTurns: 2,
    issued: [],
    env: { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${loop.url}/v1` },
  });
}
