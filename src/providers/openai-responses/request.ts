/**
 * Chat pivot request → OpenAI Responses request, for a provider that serves translated traffic through its
 * Responses API (issue 18: reasoning models keep their reasoning across a tool loop only there). Pure; built field
 * by field. Stateless: always `store: false`, with `include: ["reasoning.encrypted_content"]` (but for the older
 * models without reasoning, which refuse it), so the model's reasoning comes back as opaque items that the next
 * request of the loop replays.
 *
 * Replayed reasoning: an assistant message's `reasoning_details` entries of format `openai-responses-v1` and type
 * `reasoning.encrypted` become `{type: "reasoning", id, encrypted_content, summary: []}` items, unmodified, before
 * that message's text and function calls. Entries of any other format came from another provider: not sent.
 *
 * Refused (400), because Responses cannot express them and leaving them out would change the answer: `n` > 1,
 * `stop`, non-zero `presence_penalty` / `frequency_penalty`, `logit_bias`, `logprobs` / `top_logprobs`, `seed`,
 * audio (`modalities`, `audio`, `input_audio` parts), `prediction`, `web_search_options`, legacy `functions` /
 * `function_call` and the `function` role, tools other than functions, custom tool calls, and any field not listed
 * here. Not sent, as they do not change the answer: `store` (always false: nothing is kept upstream),
 * `stream_options` (usage always ends a Responses stream), a message's `name`, and on assistant messages the plain
 * reasoning text (`reasoning_content`, `reasoning`: only encrypted items can be replayed) and Anthropic's
 * `thinking_blocks`. A token limit below 16 (Responses' minimum) is sent as 16.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import { invalidRequest } from '../../errors.js';
import { functionTools, jsonFormat, toolChoice } from '../chat-request.js';
import type { ChatBody } from '../types.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

/** The `format` of a `reasoning_details` entry this adapter produced, and the only one it sends back. */
export const REASONING_FORMAT = 'openai-responses-v1';

/**
 * Models without reasoning, which refuse `include: ["reasoning.encrypted_content"]` with a 400 ("Encrypted content
 * is not supported with this model."): OpenAI's gpt-4 / gpt-3.5 families and the `-chat` variants.
 */
const NO_REASONING = /^(gpt-4|gpt-3|chatgpt-)|-chat(-|$)/;

/** Responses' smallest `max_output_tokens`. */
export const MIN_OUTPUT_TOKENS = 16;

const unset = (v: unknown) => v === undefined || v === null;

/** Fields copied as they are: Responses spells them as chat does. */
const SAME = ['temperature', 'top_p', 'parallel_tool_calls', 'user', 'metadata', 'service_tier', 'prompt_cache_key', 'prompt_cache_retention', 'safety_identifier'] as const;
/** Fields read below (or deliberately not sent). */
const MAPPED = new Set<string>([...SAME, 'model', 'messages', 'stream', 'stream_options', 'store', 'tools', 'tool_choice', 'max_tokens', 'max_completion_tokens', 'reasoning_effort', 'response_format', 'verbosity']);

/** Fields with no Responses equivalent, refused unless they hold their default (which changes nothing). */
const REFUSED: Record<string, (v: unknown) => boolean> = {
  n: (v) => !unset(v) && v !== 1,
  stop: (v) => !unset(v) && !(Array.isArray(v) && v.length === 0),
  presence_penalty: (v) => !unset(v) && v !== 0,
  frequency_penalty: (v) => !unset(v) && v !== 0,
  logit_bias: (v) => !unset(v) && !(isObject(v) && Object.keys(v).length === 0),
  logprobs: (v) => !unset(v) && v !== false,
  top_logprobs: (v) => !unset(v) && v !== 0,
  seed: (v) => !unset(v),
  modalities: (v) => !unset(v) && !(Array.isArray(v) && v.every((m) => m === 'text')),
  audio: (v) => !unset(v),
  prediction: (v) => !unset(v),
  web_search_options: (v) => !unset(v),
  functions: (v) => !unset(v),
  function_call: (v) => !unset(v),
};

const unsupported = (what: string, param: string | null = null) =>
  invalidRequest('unsupported_parameter', `${what} cannot be expressed in the OpenAI Responses API.`, param);

export function toResponsesRequest(body: ChatBody, upstreamModel: string): Json {
  for (const k of Object.keys(body)) {
    const refused = REFUSED[k];
    if (refused ? refused(body[k]) : !MAPPED.has(k)) throw unsupported(`"${k}"`, k);
  }
  if (!Array.isArray(body.messages)) throw invalidRequest('invalid_messages', 'The request body needs a "messages" array.', 'messages');
  const { instructions, input } = toInput(body.messages);
  const out: Json = { model: upstreamModel };
  if (instructions !== undefined) out.instructions = instructions;
  out.input = input;
  for (const k of SAME) if (body[k] !== undefined) out[k] = body[k];
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (typeof max === 'number') out.max_output_tokens = Math.max(max, MIN_OUTPUT_TOKENS);
  const tools = functionTools(body.tools, 'The Responses API');
  if (tools) out.tools = tools.map(toTool);
  if (!unset(body.tool_choice)) out.tool_choice = toToolChoice(body.tool_choice);
  if (typeof body.reasoning_effort === 'string') out.reasoning = { effort: body.reasoning_effort, summary: 'auto' };
  const text = toText(body.response_format, body.verbosity);
  if (text) out.text = text;
  if (body.stream === true) out.stream = true;
  out.store = false;
  if (!NO_REASONING.test(upstreamModel)) out.include = ['reasoning.encrypted_content'];
  return out;
}

/** Leading system/developer messages → `instructions`; the rest → input items, in order. */
function toInput(messages: unknown[]): { instructions?: string; input: Json[] } {
  const leading: string[] = [];
  const input: Json[] = [];
  messages.forEach((m, i) => {
    if (!isObject(m)) throw invalidRequest('invalid_messages', `messages[${i}] must be an object.`, 'messages');
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = plainText(m.content, i);
        if (input.length === 0) leading.push(text);
        else input.push({ type: 'message', role: 'developer', content: text });
        return;
      }
      case 'user':
        input.push({ type: 'message', role: 'user', content: typeof m.content === 'string' ? m.content : userParts(m.content, i) });
        return;
      case 'assistant':
        return assistantItems(m, i, input);
      case 'tool':
        input.push({ type: 'function_call_output', call_id: String(m.tool_call_id ?? ''), output: plainText(m.content, i) });
        return;
      default:
        throw unsupported(`messages[${i}].role ${JSON.stringify(m.role)}`, 'messages');
    }
  });
  return { instructions: leading.length > 0 ? leading.join('\n\n') : undefined, input };
}

/** A string, or text parts joined (system, developer and tool messages carry text only). */
function plainText(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (unset(content)) return '';
  if (!Array.isArray(content)) throw invalidRequest('invalid_messages', `messages[${i}].content must be a string or an array of parts.`, 'messages');
  let text = '';
  for (const p of content) {
    if (!isObject(p) || p.type !== 'text') throw unsupported(`A part other than text in messages[${i}]`, 'messages');
    text += typeof p.text === 'string' ? p.text : '';
  }
  return text;
}

function userParts(content: unknown, i: number): Json[] {
  if (!Array.isArray(content)) throw invalidRequest('invalid_messages', `messages[${i}].content must be a string or an array of parts.`, 'messages');
  return content.map((p) => {
    if (!isObject(p)) throw invalidRequest('invalid_messages', `messages[${i}].content holds a part that is not an object.`, 'messages');
    if (p.type === 'text') return { type: 'input_text', text: typeof p.text === 'string' ? p.text : '' };
    if (p.type === 'image_url') {
      const image = isObject(p.image_url) ? p.image_url : {};
      return { type: 'input_image', image_url: image.url, detail: typeof image.detail === 'string' ? image.detail : 'auto' };
    }
    if (p.type === 'file' && isObject(p.file)) {
      const part: Json = { type: 'input_file' };
      for (const k of ['file_data', 'file_id', 'filename'] as const) if (typeof p.file[k] === 'string') part[k] = p.file[k];
      return part;
    }
    throw unsupported(`A ${JSON.stringify(p.type)} part (messages[${i}])`, 'messages');
  });
}

/**
 * An assistant turn: its replayed reasoning items, then its text, then its function calls. Reasoning items of a turn
 * with neither (an answer cut short) are not sent: OpenAI refuses a reasoning item without the item that followed it.
 */
function assistantItems(m: Json, i: number, input: Json[]): void {
  if (!unset(m.function_call)) throw unsupported(`messages[${i}].function_call (legacy)`, 'messages');
  let text = typeof m.content === 'string' ? m.content : '';
  if (Array.isArray(m.content)) {
    for (const p of m.content) {
      if (isObject(p) && p.type === 'text' && typeof p.text === 'string') text += p.text;
      else if (isObject(p) && p.type === 'refusal' && typeof p.refusal === 'string') text += p.refusal;
      else throw unsupported(`A part other than text or refusal in messages[${i}]`, 'messages');
    }
  }
  if (text === '' && typeof m.refusal === 'string') text = m.refusal;
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  if (Array.isArray(m.reasoning_details) && (text !== '' || calls.length > 0)) {
    for (const d of m.reasoning_details) {
      if (!isObject(d) || d.type !== 'reasoning.encrypted' || d.format !== REASONING_FORMAT) continue;
      if (typeof d.id !== 'string' || typeof d.data !== 'string') {
        throw invalidRequest('invalid_reasoning_details', `messages[${i}].reasoning_details: a ${REASONING_FORMAT} entry needs its "id" and "data" strings.`, 'messages');
      }
      input.push({ type: 'reasoning', id: d.id, encrypted_content: d.data, summary: [] });
    }
  }
  if (text !== '') input.push({ type: 'message', role: 'assistant', content: text });
  for (const tc of calls) {
    const fn = isObject(tc) && tc.type === 'function' && isObject(tc.function) ? tc.function : undefined;
    if (!fn) throw unsupported(`A tool call other than a function (messages[${i}])`, 'messages');
    input.push({ type: 'function_call', call_id: String(tc.id ?? ''), name: String(fn.name ?? ''), arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}) });
  }
}

/** A chat function tool (nested) → a Responses function tool (flat). Responses defaults `strict` to true; chat to false. */
function toTool(fn: Json): Json {
  const out: Json = { type: 'function', name: fn.name, parameters: isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} }, strict: fn.strict === true };
  if (typeof fn.description === 'string') out.description = fn.description;
  return out;
}

function toToolChoice(choice: unknown): unknown {
  if (isObject(choice) && choice.type === 'allowed_tools' && isObject(choice.allowed_tools) && Array.isArray(choice.allowed_tools.tools)) {
    const tools = choice.allowed_tools.tools.map((t) => {
      if (!isObject(t) || t.type !== 'function' || !isObject(t.function)) throw unsupported('tool_choice.allowed_tools naming a tool other than a function', 'tool_choice');
      return { type: 'function', name: t.function.name };
    });
    return { type: 'allowed_tools', mode: choice.allowed_tools.mode, tools };
  }
  const c = toolChoice(choice);
  return typeof c === 'object' ? { type: 'function', name: c.name } : c;
}

/** `response_format` and `verbosity` → `text: {format, verbosity}`. */
function toText(format: unknown, verbosity: unknown): Json | undefined {
  const text: Json = {};
  const json = jsonFormat(format);
  if (json?.type === 'json_schema') {
    const { name, schema, strict, description } = json.spec;
    text.format = { type: 'json_schema', name, schema, ...(strict !== undefined ? { strict } : {}), ...(description !== undefined ? { description } : {}) };
  } else if (json || isObject(format)) text.format = { type: json ? json.type : 'text' };
  if (!unset(verbosity)) text.verbosity = verbosity;
  return Object.keys(text).length > 0 ? text : undefined;
}
