/**
 * Gemini `GenerateContentRequest` → OpenAI chat request, for every provider that is not Gemini itself (GEMINI.md
 * §3). Pure: reads the client body, returns a new chat body, built field by field (what is not mapped is dropped,
 * and the docs list it). Google's own examples write fields in snake_case (`system_instruction`, `inline_data`,
 * `thought_signature`): both spellings are read.
 *
 * Tool calls: chat needs an id on every call and a tool message that names it; Gemini calls may have none, and
 * Gemini CLI rewrites the ids it got to `<name>__<id>`. A call's chat id is its own id without that prefix, or,
 * without one, made from its place in the conversation (`call_<content>_<n>`, the same on every request), and
 * each `functionResponse` answers the call with its id, else the first unanswered call of that name in the model
 * turn before it. A call left unanswered gets a tool message saying so (chat APIs refuse a call without one).
 *
 * Reasoning state (REASONING-DESIGN.md): a part's `thoughtSignature` that is a gateway envelope made for the
 * provider this request goes to is opened, and its state goes back on the assistant message (`reasoning_details`,
 * `thinking_blocks`, each call's `extra_content`); any other signature (Google's own, another provider's envelope,
 * the CLI's `skip_thought_signature_validator`) means nothing to this provider and is dropped. `thought: true`
 * parts are the message's `reasoning_content`.
 */
import { base64ToBytes } from '../../base64.js';
import { invalidRequest } from '../../errors.js';
import type { ChatBody } from '../../providers/types.js';
import { decodeReasoning, type ReasoningState } from '../reasoning-envelope.js';
import { toJsonSchema } from './schema.js';
import { isObject, str } from '../../json.js';

type Json = Record<string, unknown>;

const snakeNames = new Map<string, string>();
/** A field by its camelCase name, or its snake_case one (`inlineData` / `inline_data`). */
export function field(o: unknown, name: string): unknown {
  if (!isObject(o)) return undefined;
  const v = o[name];
  if (v !== undefined) return v;
  let snake = snakeNames.get(name);
  if (snake === undefined) snakeNames.set(name, (snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
  return o[snake];
}

export interface GeminiToChatOptions {
  /** The model the provider knows. */
  upstreamModel: string;
  /** `:streamGenerateContent`: the chat request streams, with usage. */
  stream: boolean;
  /** The provider the request goes to: only envelopes made for it are opened. */
  providerId: string;
  /** Send the token limit as `max_completion_tokens` (OpenAI's own API). */
  maxCompletionTokens?: boolean;
}

export function geminiToChat(body: Json, opts: GeminiToChatOptions): ChatBody {
  const contents = field(body, 'contents');
  if (!Array.isArray(contents)) throw invalidRequest('invalid_contents', 'The request body needs a "contents" array.', 'contents');
  if (field(body, 'cachedContent') !== undefined) {
    throw invalidRequest('unsupported_field', '"cachedContent" is cached on Google: this model is not Gemini.', 'cachedContent');
  }
  const messages: Json[] = [];
  const system = partsText(field(field(body, 'systemInstruction'), 'parts') ?? field(body, 'systemInstruction'));
  if (system !== '') messages.push({ role: 'system', content: system });
  convertContents(contents, opts.providerId, messages);

  const out: ChatBody = { model: opts.upstreamModel, messages };
  const tools = convertTools(field(body, 'tools'));
  if (tools.length > 0) out.tools = tools;
  Object.assign(out, convertToolConfig(field(body, 'toolConfig'), tools));
  Object.assign(out, generationConfig(field(body, 'generationConfig'), opts));
  if (opts.stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}

/** Text parts joined (a `systemInstruction` as parts or as a plain string). */
function partsText(parts: unknown): string {
  if (typeof parts === 'string') return parts;
  if (!Array.isArray(parts)) return '';
  return parts
    .map((p) => str(field(p, 'text')))
    .filter((t) => t !== '')
    .join('\n');
}

/** A call in a model turn, waiting for its `functionResponse`. */
interface Call {
  id: string;
  name: string;
  answered: boolean;
}

/** The calls of the last model turn, by id and by name (each name's calls in order, with a cursor). */
interface Pending {
  calls: Call[];
  byId: Map<string, Call>;
  byName: Map<string, { calls: Call[]; next: number }>;
}

/** Gemini CLI's `<name>__<id>` back to the id the gateway gave out. */
export const chatCallId = (id: string, name: string) => (name !== '' && id.startsWith(`${name}__`) && id.length > name.length + 2 ? id.slice(name.length + 2) : id);

const NO_RESULT = 'No result was given for this call.';

function convertContents(contents: unknown[], providerId: string, messages: Json[]): void {
  let pending: Pending | undefined;
  /** Tool messages for the calls nobody answered, so that the chat conversation stays well-formed. */
  const closePending = () => {
    if (pending) for (const call of pending.calls) if (!call.answered) messages.push({ role: 'tool', tool_call_id: call.id, content: NO_RESULT });
    pending = undefined;
  };
  contents.forEach((content, i) => {
    if (!isObject(content)) throw invalidRequest('invalid_contents', `contents[${i}] must be an object.`, 'contents');
    const role = content.role ?? 'user';
    const parts = field(content, 'parts');
    if (!Array.isArray(parts)) throw invalidRequest('invalid_contents', `contents[${i}].parts must be an array.`, 'contents');
    if (role === 'model') {
      closePending();
      const { message, calls } = modelMessage(parts, i, providerId);
      messages.push(message);
      if (calls.length > 0) pending = pendingOf(calls);
    } else if (role === 'user' || role === 'function') {
      userMessages(parts, i, pending, messages);
      closePending();
    } else throw invalidRequest('invalid_contents', `contents[${i}].role must be "user" or "model".`, 'contents');
  });
}

function pendingOf(calls: Call[]): Pending {
  const byId = new Map<string, Call>();
  const byName = new Map<string, { calls: Call[]; next: number }>();
  for (const call of calls) {
    if (!byId.has(call.id)) byId.set(call.id, call);
    const named = byName.get(call.name);
    if (named) named.calls.push(call);
    else byName.set(call.name, { calls: [call], next: 0 });
  }
  return { calls, byId, byName };
}

/** The call a `functionResponse` answers: by id, else the first unanswered one of its name. */
function answeredCall(pending: Pending | undefined, id: string, name: string): Call | undefined {
  if (!pending) return undefined;
  if (id !== '') {
    const call = pending.byId.get(chatCallId(id, name));
    if (call && !call.answered) return call;
  }
  const named = pending.byName.get(name);
  if (!named) return undefined;
  while (named.next < named.calls.length && named.calls[named.next].answered) named.next++;
  return named.calls[named.next];
}

/** A model turn → one assistant message; its calls, for the responses in the next turn. */
function modelMessage(parts: unknown[], i: number, providerId: string): { message: Json; calls: Call[] } {
  let text = '';
  let reasoning = '';
  const toolCalls: Json[] = [];
  const calls: Call[] = [];
  let state: ReasoningState | undefined;
  for (const part of parts) {
    if (!isObject(part)) continue;
    // The gateway gives one envelope per answer (response.ts): the first that opens for this provider.
    state ??= decodeReasoning(field(part, 'thoughtSignature'), providerId);
    const fc = field(part, 'functionCall');
    if (part.thought === true) reasoning += str(part.text);
    else if (typeof part.text === 'string') text += part.text;
    else if (isObject(fc)) {
      const name = str(fc.name);
      if (name === '') throw invalidRequest('invalid_contents', `contents[${i}]: a functionCall needs a "name".`, 'contents');
      const given = str(fc.id);
      const id = given !== '' ? chatCallId(given, name) : `call_${i}_${calls.length}`;
      calls.push({ id, name, answered: false });
      toolCalls.push({ id, type: 'function', function: { name, arguments: JSON.stringify(fc.args ?? {}) } });
    } else text += otherPartText(part);
  }
  const message: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (state) restoreState(message, state, toolCalls);
  if (reasoning === '' && message.reasoning_details) reasoning = detailsText(message.reasoning_details as Json[]);
  if (reasoning !== '') message.reasoning_content = reasoning;
  return { message, calls };
}

/** The envelope's state back on the assistant message it was made from (each call's by its id, or its place). */
function restoreState(message: Json, state: ReasoningState, toolCalls: Json[]): void {
  if (state.reasoning_details) message.reasoning_details = state.reasoning_details;
  if (state.thinking_blocks) message.thinking_blocks = state.thinking_blocks;
  const extra = state.extra_content;
  if (!extra) return;
  const keys = Object.keys(extra);
  toolCalls.forEach((tc, n) => {
    const own = Object.hasOwn(extra, tc.id as string) ? extra[tc.id as string] : undefined;
    // A client that dropped the ids: the calls are still in the order the answer gave them.
    const value = own ?? (keys.length === toolCalls.length && !Object.hasOwn(extra, tc.id as string) ? extra[keys[n]] : undefined);
    if (value) tc.extra_content = value;
  });
}

/** Reasoning text kept in `reasoning.text` entries (the gateway puts it there for clients that drop thoughts). */
function detailsText(details: Json[]): string {
  let text = '';
  for (const d of details) if (d.type === 'reasoning.text' && typeof d.text === 'string') text += d.text;
  return text;
}

/** Parts with no chat counterpart, as text: code the model ran and its result. */
function otherPartText(part: Json): string {
  const code = field(part, 'executableCode');
  if (isObject(code)) return `\n\`\`\`${str(code.language).toLowerCase().replace('language_unspecified', '')}\n${str(code.code)}\n\`\`\`\n`;
  const result = field(part, 'codeExecutionResult');
  if (isObject(result)) return `\n${str(result.output)}\n`;
  return '';
}

/** A user turn → tool messages (its function responses, first), then one user message with the rest. */
function userMessages(parts: unknown[], i: number, pending: Pending | undefined, messages: Json[]): void {
  const content: Json[] = [];
  for (const part of parts) {
    if (!isObject(part) || part.thought === true) continue;
    const fr = field(part, 'functionResponse');
    if (isObject(fr)) {
      const name = str(fr.name);
      const call = answeredCall(pending, str(fr.id), name);
      const result = responseText(fr.response);
      if (call) {
        call.answered = true;
        messages.push({ role: 'tool', tool_call_id: call.id, content: result });
      } else content.push({ type: 'text', text: `The function ${name} returned: ${result}` }); // it answers no call
      const extra = field(fr, 'parts');
      if (Array.isArray(extra)) for (const p of extra) if (isObject(p)) pushPart(content, p, i);
    } else pushPart(content, part, i);
  }
  if (content.length === 0) return;
  // Tool messages for calls nobody answered go before the user's message (chat wants them right after the calls).
  if (pending) for (const call of pending.calls) if (!call.answered) (call.answered = true), messages.push({ role: 'tool', tool_call_id: call.id, content: NO_RESULT });
  const allText = content.every((p) => p.type === 'text');
  messages.push({ role: 'user', content: allText ? content.map((p) => p.text).join('\n') : content });
}

/** A function's `response` as the tool message's text: its `output` (Gemini CLI's), `error`, or the JSON. */
function responseText(response: unknown): string {
  if (typeof response === 'string') return response;
  if (isObject(response)) {
    const keys = Object.keys(response);
    if (keys.length === 1 && typeof response.output === 'string') return response.output;
    if (keys.length === 1 && response.error !== undefined) return `Error: ${typeof response.error === 'string' ? response.error : JSON.stringify(response.error)}`;
  }
  return JSON.stringify(response ?? {});
}

/** A user part → a chat content part (text, image, file, audio). */
function pushPart(content: Json[], part: Json, i: number): void {
  if (typeof part.text === 'string') {
    content.push({ type: 'text', text: part.text });
    return;
  }
  const inline = field(part, 'inlineData');
  if (isObject(inline)) {
    content.push(inlinePart(str(field(inline, 'mimeType')), str(inline.data), i));
    return;
  }
  const file = field(part, 'fileData');
  if (isObject(file)) {
    const mime = str(field(file, 'mimeType'));
    const uri = str(field(file, 'fileUri'));
    content.push(mime.startsWith('image/') && /^https?:/i.test(uri) ? { type: 'image_url', image_url: { url: uri } } : { type: 'text', text: `File (${mime || 'unknown type'}): ${uri}` });
    return;
  }
  const other = otherPartText(part);
  if (other !== '') content.push({ type: 'text', text: other });
}

const AUDIO_FORMATS: Record<string, string> = { 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/mp3': 'mp3', 'audio/mpeg': 'mp3' };

function inlinePart(mime: string, data: string, i: number): Json {
  if (mime.startsWith('image/')) return { type: 'image_url', image_url: { url: `data:${mime};base64,${data}` } };
  if (mime === 'application/pdf') return { type: 'file', file: { filename: 'document.pdf', file_data: `data:${mime};base64,${data}` } };
  if (AUDIO_FORMATS[mime]) return { type: 'input_audio', input_audio: { data, format: AUDIO_FORMATS[mime] } };
  if (mime.startsWith('text/') || mime === 'application/json') {
    try {
      return { type: 'text', text: new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(data)) };
    } catch {
      throw invalidRequest('invalid_contents', `contents[${i}]: inlineData of type ${mime} is not base64-encoded UTF-8 text.`, 'contents');
    }
  }
  throw invalidRequest('invalid_contents', `contents[${i}]: inlineData of type ${JSON.stringify(mime)} is not supported here (images, PDF, WAV/MP3 and text are).`, 'contents');
}

/** `functionDeclarations` → chat function tools; Google's hosted tools are left out (README: the Gemini API). */
function convertTools(tools: unknown): Json[] {
  if (!Array.isArray(tools)) return [];
  const out: Json[] = [];
  for (const t of tools) {
    const declarations = field(t, 'functionDeclarations');
    if (!Array.isArray(declarations)) continue; // a hosted tool (googleSearch, codeExecution, urlContext, ...)
    for (const d of declarations) {
      if (!isObject(d) || typeof d.name !== 'string' || d.name === '') throw invalidRequest('invalid_tools', 'Every function declaration needs a "name".', 'tools');
      const json = field(d, 'parametersJsonSchema');
      const parameters = isObject(json) ? json : isObject(d.parameters) ? toJsonSchema(d.parameters) : { type: 'object', properties: {} };
      const fn: Json = { name: d.name, parameters };
      if (typeof d.description === 'string') fn.description = d.description;
      out.push({ type: 'function', function: fn });
    }
  }
  return out;
}

/** `toolConfig.functionCallingConfig` → `tool_choice` (ANY with allowed names: only those tools). */
function convertToolConfig(config: unknown, tools: Json[]): Json {
  const calling = field(config, 'functionCallingConfig');
  const mode = str(field(calling, 'mode')).toUpperCase();
  const allowed = field(calling, 'allowedFunctionNames');
  if (tools.length === 0) {
    if (mode === 'ANY') throw invalidRequest('invalid_tools', 'functionCallingConfig mode ANY needs a function declaration (hosted tools run on Google only).', 'toolConfig');
    return {};
  }
  if (mode === 'NONE') return { tool_choice: 'none' };
  if (mode !== 'ANY') return mode === 'AUTO' || mode === 'VALIDATED' ? { tool_choice: 'auto' } : {};
  if (!Array.isArray(allowed) || allowed.length === 0) return { tool_choice: 'required' };
  const names = new Set(allowed.filter((n): n is string => typeof n === 'string'));
  const kept = tools.filter((t) => names.has((t.function as Json).name as string));
  if (kept.length === 0) throw invalidRequest('invalid_tools', `allowedFunctionNames names no declared function (${JSON.stringify(allowed)}).`, 'toolConfig');
  if (kept.length === 1) return { tools: kept, tool_choice: { type: 'function', function: { name: (kept[0].function as Json).name } } };
  return { tools: kept, tool_choice: 'required' };
}

const LEVELS: Record<string, string> = { MINIMAL: 'minimal', LOW: 'low', MEDIUM: 'medium', HIGH: 'high' };

/** `thinkingConfig` → `reasoning_effort`: a level as it is, a budget by size (0: none; -1, dynamic: the model's choice). */
export function reasoningEffort(thinking: unknown): string | undefined {
  const level = LEVELS[str(field(thinking, 'thinkingLevel')).toUpperCase()];
  if (level) return level;
  const budget = field(thinking, 'thinkingBudget');
  if (typeof budget !== 'number' || budget < 0) return undefined;
  if (budget === 0) return 'none';
  return budget >= 16_000 ? 'high' : budget >= 4_000 ? 'medium' : 'low';
}

/** The client asked for the model's thoughts in the answer (`thought: true` parts). */
export const includesThoughts = (body: Json): boolean => field(field(field(body, 'generationConfig'), 'thinkingConfig'), 'includeThoughts') === true;

/** `generationConfig` → the chat request's sampling, limits, format and reasoning fields. */
function generationConfig(config: unknown, opts: GeminiToChatOptions): Json {
  const out: Json = {};
  if (config === undefined || config === null) return out;
  if (!isObject(config)) throw invalidRequest('invalid_generation_config', '"generationConfig" must be an object.', 'generationConfig');
  const num = (name: string, to: string) => {
    const v = field(config, name);
    if (typeof v === 'number') out[to] = v;
  };
  num('temperature', 'temperature');
  num('topP', 'top_p');
  num('presencePenalty', 'presence_penalty');
  num('frequencyPenalty', 'frequency_penalty');
  num('seed', 'seed');
  num('maxOutputTokens', opts.maxCompletionTokens ? 'max_completion_tokens' : 'max_tokens');
  const candidates = field(config, 'candidateCount');
  if (typeof candidates === 'number' && candidates > 1) throw invalidRequest('invalid_generation_config', 'candidateCount must be 1 for this model.', 'generationConfig.candidateCount');
  const stop = field(config, 'stopSequences');
  if (Array.isArray(stop) && stop.length > 0) out.stop = stop;
  const effort = reasoningEffort(field(config, 'thinkingConfig'));
  if (effort) out.reasoning_effort = effort;
  const format = responseFormat(config);
  if (format) out.response_format = format;
  return out;
}

/** `responseMimeType` and `responseJsonSchema` / `responseSchema` → `response_format`. */
function responseFormat(config: Json): Json | undefined {
  const mime = str(field(config, 'responseMimeType'));
  const json = field(config, 'responseJsonSchema');
  const openApi = field(config, 'responseSchema');
  const schema = isObject(json) ? json : isObject(openApi) ? toJsonSchema(openApi) : undefined;
  if (mime === '' || mime === 'text/plain') return schema ? { type: 'json_schema', json_schema: { name: 'response', schema } } : undefined;
  if (mime !== 'application/json') throw invalidRequest('invalid_generation_config', `responseMimeType ${JSON.stringify(mime)} is not supported here; use application/json or text/plain.`, 'generationConfig.responseMimeType');
  return schema ? { type: 'json_schema', json_schema: { name: 'response', schema } } : { type: 'json_object' };
}
