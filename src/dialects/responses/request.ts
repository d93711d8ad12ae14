/**
 * Responses request → chat request (ENDPOINTS.md §4.1): the stateless subset. Pure: reads the client body,
 * returns a new chat body and the map that turns chat tool calls back into the client's tools (custom tools,
 * namespaced tools). Throws GatewayError (400) for what a stateless gateway cannot serve.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import { invalidRequest } from '../../errors.js';
import { pushAll } from '../../lists.js';
import type { ChatBody } from '../../providers/types.js';
import { chatToolName } from '../pivot.js';
import { decodeReasoning } from '../reasoning-envelope.js';
import { withState, type PivotState } from '../reasoning-state.js';
import { decodeThinking } from './thinking.js';
import { isObject as isJsonObject } from '../../json.js';

type Json = Record<string, any>;

/** The shared test, typed for this module's loose `Json`. */
const isObject = isJsonObject as (v: unknown) => v is Json;

/** How a chat function name maps back to the client's tool. */
export interface ToolOrigin {
  kind: 'function' | 'custom';
  name: string;
  namespace?: string;
}

export type ToolOrigins = ReadonlyMap<string, ToolOrigin>;

export interface ChatRequest {
  chat: ChatBody;
  origins: ToolOrigins;
}

/** The chat function name of a namespaced tool. */
export const namespacedName = (namespace: string, name: string) => `${namespace}__${name}`;

const STATELESS = 'This gateway is stateless; resend the full input.';

/** Fields that need state the gateway does not keep (never silently ignored). */
function refuseStateful(body: Json): void {
  if (body.previous_response_id != null) {
    throw invalidRequest('previous_response_not_found', `Previous response with id '${String(body.previous_response_id)}' not found. ${STATELESS}`, 'previous_response_id');
  }
  if (body.conversation != null) {
    const id = isObject(body.conversation) ? body.conversation.id : body.conversation;
    throw invalidRequest('previous_response_not_found', `Conversation '${String(id)}' not found. ${STATELESS}`, 'conversation');
  }
  if (body.prompt != null) {
    throw invalidRequest('unsupported_parameter', '"prompt" needs stored prompts, which this gateway does not keep; send "instructions" and "input".', 'prompt');
  }
  if (body.background === true) {
    throw invalidRequest('unsupported_parameter', '"background" needs stored responses, which this gateway does not keep: omit it.', 'background');
  }
}

// ---------------------------------------------------------------- tools

const DEFAULT_PARAMETERS = { type: 'object', properties: {} };

const customParameters = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw input to the tool.' } },
  required: ['input'],
  additionalProperties: false,
};

function customDescription(t: Json): string {
  const base = typeof t.description === 'string' ? t.description : '';
  const f = t.format;
  if (!isObject(f) || f.type !== 'grammar' || typeof f.definition !== 'string') return base;
  return `${base}\n\nThe "input" string must follow this ${String(f.syntax ?? '')} grammar:\n${f.definition}`.trim();
}

function chatFunction(t: Json, name: string, origin: ToolOrigin, origins: Map<string, ToolOrigin>, prefix = ''): Json {
  origins.set(name, origin);
  const description = origin.kind === 'custom' ? customDescription(t) : t.description;
  const fn: Json = { name };
  const text = [prefix, typeof description === 'string' ? description : ''].filter(Boolean).join('\n\n');
  if (text) fn.description = text;
  fn.parameters = origin.kind === 'custom' ? customParameters : (isObject(t.parameters) ? t.parameters : DEFAULT_PARAMETERS);
  if (origin.kind === 'function' && typeof t.strict === 'boolean') fn.strict = t.strict;
  return { type: 'function', function: fn };
}

/** Flat Responses tools → nested chat tools; custom and namespaced tools become functions; hosted tools drop. */
export function convertTools(tools: unknown, origins: Map<string, ToolOrigin>): Json[] {
  if (tools == null) return [];
  if (!Array.isArray(tools)) throw invalidRequest('invalid_tools', '"tools" must be an array.', 'tools');
  const out: Json[] = [];
  for (const t of tools) {
    if (!isObject(t) || typeof t.type !== 'string') throw invalidRequest('invalid_tools', 'Every tool needs a "type".', 'tools');
    if (t.type === 'function' || t.type === 'custom') {
      if (typeof t.name !== 'string' || t.name === '') throw invalidRequest('invalid_tools', `A ${t.type} tool needs a "name".`, 'tools');
      out.push(chatFunction(t, chatToolName(t.name), { kind: t.type, name: t.name }, origins));
    } else if (t.type === 'namespace') {
      if (typeof t.name !== 'string' || !Array.isArray(t.tools)) throw invalidRequest('invalid_tools', 'A namespace tool needs a "name" and "tools".', 'tools');
      const prefix = typeof t.description === 'string' ? t.description : '';
      for (const inner of t.tools) {
        if (!isObject(inner) || (inner.type !== 'function' && inner.type !== 'custom') || typeof inner.name !== 'string') continue;
        out.push(chatFunction(inner, chatToolName(namespacedName(t.name, inner.name)), { kind: inner.type, name: inner.name, namespace: t.name }, origins, prefix));
      }
    }
    // Hosted tools (web_search, file_search, code_interpreter, image_generation, mcp, tool_search, local_shell,
    // shell, apply_patch, computer_use, ...) run at OpenAI; a chat provider has none of them: dropped.
  }
  return out;
}

/** The chat name of a tool the client names (its own name, or its chat name), of a kind; undefined when none is. */
export type ChatNameOf = (name: unknown, kind: 'function' | 'custom') => string | undefined;

/**
 * The tool-name lookup, built once in one pass over the tools: `tool_choice`, every `allowed_tools` entry and every
 * call in the history ask it, so a walk over the tools per question would be quadratic (20k tools and 20k calls:
 * seconds during which the gateway serves no one). The first tool that answers to a name wins, as a walk would find.
 */
export function chatNameLookup(origins: ToolOrigins): ChatNameOf {
  const byKind = { function: new Map<string, string>(), custom: new Map<string, string>() };
  for (const [chatName, o] of origins) {
    const names = byKind[o.kind];
    if (!names.has(o.name)) names.set(o.name, chatName);
    if (!names.has(chatName)) names.set(chatName, chatName);
  }
  return (name, kind) => (typeof name === 'string' ? byKind[kind].get(name) : undefined);
}

export function convertToolChoice(choice: unknown, chatNameOf: ChatNameOf): unknown {
  if (choice == null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isObject(choice) && (choice.type === 'function' || choice.type === 'custom')) {
    const name = chatNameOf(choice.name, choice.type);
    if (!name) throw invalidRequest('invalid_tool_choice', `tool_choice names ${choice.type} tool "${String(choice.name)}", which is not in "tools".`, 'tool_choice');
    return { type: 'function', function: { name } };
  }
  if (isObject(choice) && choice.type === 'allowed_tools') return choice.mode === 'required' ? 'required' : 'auto';
  if (!isObject(choice) || typeof choice.type !== 'string') {
    throw invalidRequest('invalid_tool_choice', '"tool_choice" must be "auto", "none", "required" or an object naming a tool.', 'tool_choice');
  }
  throw invalidRequest('unsupported_tool_choice', `tool_choice forces the hosted tool "${choice.type}", which runs only at OpenAI.`, 'tool_choice');
}

/** `allowed_tools`: only the listed tools are offered. */
function allowedOnly(tools: Json[], choice: unknown, chatNameOf: ChatNameOf): Json[] {
  if (!isObject(choice) || choice.type !== 'allowed_tools' || !Array.isArray(choice.tools)) return tools;
  const names = new Set(choice.tools.map((t: Json) => chatNameOf(t?.name, t?.type === 'custom' ? 'custom' : 'function')));
  return tools.filter((t) => names.has(t.function.name));
}

// ---------------------------------------------------------------- input items

/** The text of a message's content; parts on lines of their own. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p: Json) => (typeof p?.text === 'string' ? p.text : typeof p?.refusal === 'string' ? p.refusal : undefined))
    .filter((t): t is string => t !== undefined)
    .join('\n');
}

/** A Responses content part → a chat content part (undefined: nothing a chat model can take). */
function chatPart(p: Json): Json | undefined {
  switch (p?.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return typeof p.text === 'string' ? { type: 'text', text: p.text } : undefined;
    case 'input_image': {
      if (typeof p.image_url !== 'string') {
        throw invalidRequest('unsupported_parameter', 'Images by "file_id" need OpenAI\'s file store; send "image_url".', 'input');
      }
      return { type: 'image_url', image_url: { url: p.image_url, ...(p.detail && p.detail !== 'auto' ? { detail: p.detail } : {}) } };
    }
    case 'input_file': {
      if (typeof p.file_data !== 'string') {
        throw invalidRequest('unsupported_parameter', 'Files by "file_id" or "file_url" need OpenAI\'s file store; send "file_data".', 'input');
      }
      return { type: 'file', file: { file_data: p.file_data, ...(typeof p.filename === 'string' ? { filename: p.filename } : {}) } };
    }
    default:
      return undefined;
  }
}

/** A user message's content: text parts only → one string (some chat providers take no part arrays), else parts. */
function userContent(content: unknown): string | Json[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidRequest('invalid_input', 'A message\'s "content" must be a string or an array of parts.', 'input');
  const parts = content.map(chatPart).filter((p): p is Json => p !== undefined);
  return parts.every((p) => p.type === 'text') ? parts.map((p) => p.text).join('\n') : parts;
}

/** A tool output (a string, or parts): the text for the tool message, and the images for a user message after it. */
function toolOutput(output: unknown): { text: string; media: Json[] } {
  if (typeof output === 'string') return { text: output, media: [] };
  if (!Array.isArray(output)) return { text: output == null ? '' : JSON.stringify(output), media: [] };
  const parts = output.map(chatPart).filter((p): p is Json => p !== undefined);
  return {
    text: parts.filter((p) => p.type === 'text').map((p) => p.text).join(''),
    media: parts.filter((p) => p.type !== 'text'),
  };
}

function convertInput(input: unknown, instructions: unknown, origins: ToolOrigins, chatNameOf: ChatNameOf, provider?: string): Json[] {
  const messages: Json[] = [];
  if (typeof instructions === 'string' && instructions !== '') messages.push({ role: 'system', content: instructions });
  else if (Array.isArray(instructions)) pushAll(messages, convertInput(instructions, undefined, origins, chatNameOf, provider));
  if (input == null) return messages;
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
    return messages;
  }
  if (!Array.isArray(input)) throw invalidRequest('invalid_input', '"input" must be a string or an array of items.', 'input');
  /** Images from tool outputs, sent as one user message once the tool results are all in. */
  let pendingMedia: Json[] = [];
  const flushMedia = () => {
    if (pendingMedia.length > 0) messages.push({ role: 'user', content: pendingMedia });
    pendingMedia = [];
  };
  /**
   * Reasoning state from reasoning items whose `encrypted_content` is the gateway's, for this provider: each
   * call's extra by call id (wherever its item sits), and the rest (text, entries, signed blocks) for the
   * assistant message that follows the item, or, when a tool output or user message comes first (state that
   * arrived after the calls), the assistant message before it in the same turn.
   */
  const extras = new Map<string, Json>();
  let pending: PivotState = {};
  let hasPending = false;
  /** The last assistant message since the last user message (the turn's calls), if any. */
  let lastAssistant: Json | undefined;
  const take = (): PivotState | undefined => {
    if (!hasPending) return undefined;
    const state = pending;
    pending = {};
    hasPending = false;
    return state;
  };
  /** Pending state goes on `m` (in place: calls that join one assistant message must not copy its state again). */
  const attach = (m: Json): Json => {
    const state = take();
    if (state) Object.assign(m, withState(m, state));
    return m;
  };
  const withThinking = (m: Json): Json => {
    lastAssistant = attach(m);
    return m;
  };
  /** Before a tool output or user message: what is pending belongs to the turn's calls, if any. */
  const settle = () => {
    if (hasPending && lastAssistant) attach(lastAssistant);
    else take();
  };
  const addPending = (text: string, state: PivotState) => {
    if (text !== '') pending.reasoning_content = (pending.reasoning_content ?? '') + text;
    if (state.reasoning_details) pushAll((pending.reasoning_details ??= []), state.reasoning_details);
    if (state.thinking_blocks) pushAll((pending.thinking_blocks ??= []), state.thinking_blocks);
    hasPending = hasPending || text !== '' || state.reasoning_details !== undefined || state.thinking_blocks !== undefined;
  };
  const assistantForCalls = (): Json => {
    const last = messages.at(-1);
    if (last?.role === 'assistant') return withThinking(last);
    const m: Json = withThinking({ role: 'assistant', content: null });
    messages.push(m);
    return m;
  };
  /** Every tool call made here, to get its extra once all reasoning items are read. */
  const calls: Json[] = [];
  for (const item of input) {
    if (!isObject(item)) throw invalidRequest('invalid_input', 'Every "input" item must be an object.', 'input');
    const type = item.type ?? (typeof item.role === 'string' ? 'message' : undefined);
    if (type !== 'function_call_output' && type !== 'custom_tool_call_output') flushMedia();
    switch (type) {
      case 'message': {
        const role = item.role;
        if (role === 'user') {
          settle();
          lastAssistant = undefined;
          messages.push({ role: 'user', content: userContent(item.content) });
        }
        else if (role === 'system' || role === 'developer') messages.push({ role: 'system', content: textOf(item.content) });
        else if (role === 'assistant') messages.push(withThinking({ role: 'assistant', content: textOf(item.content) }));
        else throw invalidRequest('invalid_input', `Unknown message role "${String(role)}".`, 'input');
        break;
      }
      case 'function_call':
      case 'custom_tool_call': {
        if (typeof item.call_id !== 'string' || typeof item.name !== 'string') throw invalidRequest('invalid_input', `A ${type} item needs "call_id" and "name" strings.`, 'input');
        const kind = type === 'function_call' ? 'function' : 'custom';
        const name = chatToolName(typeof item.namespace === 'string' ? namespacedName(item.namespace, String(item.name)) : String(item.name));
        const chatName = origins.has(name) ? name : (chatNameOf(item.name, kind) ?? name);
        const args = kind === 'function' ? (typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {})) : JSON.stringify({ input: String(item.input ?? '') });
        const m = assistantForCalls();
        const call: Json = { id: String(item.call_id), type: 'function', function: { name: chatName, arguments: args } };
        (m.tool_calls ??= []).push(call);
        calls.push(call);
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        if (typeof item.call_id !== 'string') throw invalidRequest('invalid_input', `A ${type} item needs a "call_id" string.`, 'input');
        settle();
        const { text, media } = toolOutput(item.output);
        messages.push({ role: 'tool', tool_call_id: String(item.call_id), content: text });
        pushAll(pendingMedia, media);
        break;
      }
      case 'reasoning': {
        // The gateway's own encrypted_content carries a provider's reasoning state, for that provider only (its
        // summary text too: the text's origin is known only then); the older envelope, signed thinking blocks.
        // Anything else (OpenAI's own state, another provider's after a model switch) drops.
        const state = provider === undefined ? undefined : decodeReasoning(item.encrypted_content, provider);
        if (state) {
          addPending(summaryText(item.summary), state);
          for (const [id, extra] of Object.entries(state.extra_content ?? {})) extras.set(id, extra);
        } else {
          const blocks = decodeThinking(item.encrypted_content, provider);
          if (blocks && blocks.length > 0) addPending('', { thinking_blocks: blocks });
        }
        break;
      }
      case 'item_reference':
        throw invalidRequest('previous_response_not_found', `Item with id '${String(item.id)}' not found. ${STATELESS}`, 'input');
      default:
        // Hosted-tool calls and their outputs, compaction items, `additional_tools` (their tools were merged
        // into "tools" above): nothing a chat model can take as a message. Dropped.
        break;
    }
  }
  flushMedia();
  settle();
  if (extras.size > 0) for (const call of calls) if (extras.has(call.id)) call.extra_content = extras.get(call.id);
  return messages;
}

/** A reasoning item's summary text (the gateway writes one part). */
function summaryText(summary: unknown): string {
  if (!Array.isArray(summary)) return '';
  let text = '';
  for (const p of summary) if (isObject(p) && typeof p.text === 'string') text += p.text;
  return text;
}

// ---------------------------------------------------------------- the request

function responseFormat(text: unknown): Json | undefined {
  const f = isObject(text) ? text.format : undefined;
  if (!isObject(f)) return undefined;
  if (f.type === 'json_schema') {
    const js: Json = { name: f.name ?? 'response', schema: f.schema };
    if (typeof f.description === 'string') js.description = f.description;
    if (typeof f.strict === 'boolean') js.strict = f.strict;
    return { type: 'json_schema', json_schema: js };
  }
  if (f.type === 'json_object') return { type: 'json_object' };
  return undefined;
}

function inputTools(input: unknown): unknown[] {
  if (!Array.isArray(input)) return [];
  return input.filter((i) => isObject(i) && (i.type === 'additional_tools' || i.type === 'tool_search_output') && Array.isArray(i.tools)).flatMap((i) => i.tools);
}

/** `provider`: the id of the provider the request goes to (signed thinking blocks go back only to the one that signed them). */
export function toChatRequest(body: Json, provider?: string): ChatRequest {
  refuseStateful(body);
  const origins = new Map<string, ToolOrigin>();
  let tools = convertTools(body.tools, origins);
  // Tools that arrive in the input ("Responses-Lite": `additional_tools`, `tool_search_output` items) join them.
  const named = new Set(tools.map((t) => t.function.name));
  for (const t of convertTools(inputTools(body.input), origins)) {
    if (named.has(t.function.name)) continue;
    named.add(t.function.name);
    tools.push(t);
  }
  const chatNameOf = chatNameLookup(origins);
  const chat: ChatBody = { model: body.model, messages: convertInput(body.input, body.instructions, origins, chatNameOf, provider) };
  if ((chat.messages as Json[]).length === 0) {
    throw invalidRequest('invalid_input', 'Nothing for the model: send "input" or "instructions".', 'input');
  }
  if (tools.length > 0) {
    const choice = convertToolChoice(body.tool_choice, chatNameOf);
    tools = allowedOnly(tools, body.tool_choice, chatNameOf);
    chat.tools = tools;
    if (choice !== undefined) chat.tool_choice = choice;
    if (typeof body.parallel_tool_calls === 'boolean') chat.parallel_tool_calls = body.parallel_tool_calls;
  } else if (body.tool_choice != null && body.tool_choice !== 'auto' && body.tool_choice !== 'none') {
    convertToolChoice(body.tool_choice, chatNameOf); // a forced hosted tool is refused even when nothing else is left
  }
  if (typeof body.max_output_tokens === 'number') chat.max_completion_tokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') chat.temperature = body.temperature;
  if (typeof body.top_p === 'number') chat.top_p = body.top_p;
  if (isObject(body.reasoning) && typeof body.reasoning.effort === 'string') chat.reasoning_effort = body.reasoning.effort;
  const format = responseFormat(body.text);
  if (format) chat.response_format = format;
  if (typeof body.user === 'string') chat.user = body.user;
  if (body.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  // Not forwarded (no chat equivalent, or meaningful only at OpenAI): store, include, prompt_cache_key,
  // prompt_cache_retention, client_metadata, metadata, truncation, service_tier, safety_identifier,
  // top_logprobs, max_tool_calls, text.verbosity, reasoning.summary, stream_options.
  return { chat, origins };
}
