/**
 * Anthropic Messages request → OpenAI chat request, for OpenAI-compatible providers (ENDPOINTS.md §3.1).
 * Pure: reads the client body, returns a new chat body. Built field by field (an allowlist): Claude Code and the
 * Anthropic SDKs send Anthropic-only fields (`context_management`, `output_config.effort`, `mcp_servers`, ...)
 * that OpenAI-compatible APIs reject as unknown, so what is not mapped here is dropped (docs/messages.md lists it).
 * @see https://docs.claude.com/en/api/messages
 */
import { invalidRequest } from '../../errors.js';
import { pushAll } from '../../lists.js';
import type { ChatBody } from '../../providers/types.js';
import { chatToolName } from '../pivot.js';
import { decodeReasoning } from '../reasoning-envelope.js';
import { isObject, str } from '../../json.js';

type Json = Record<string, unknown>;

export interface ToChatOptions {
  /** Send the token limit as `max_completion_tokens` (OpenAI's own API, whose reasoning models reject `max_tokens`). */
  maxCompletionTokens?: boolean;
  /**
   * The id of the provider the request goes to: thinking blocks whose signature is the gateway envelope of this
   * provider's state give it back (reasoning-envelope.ts); every other thinking block is dropped.
   */
  provider?: string;
}

/** Tools an OpenAI-compatible provider can run: the client's own (`custom`, or no `type`) with an input schema. */
export const isClientTool = (t: unknown): t is Json =>
  isObject(t) && (t.type === undefined || t.type === null || t.type === 'custom') && typeof t.name === 'string';

export function messagesToChat(body: Json, upstreamModel: string, opts: ToChatOptions = {}): ChatBody {
  if (!Array.isArray(body.messages)) {
    throw invalidRequest('invalid_messages', 'The request body needs a "messages" array.', 'messages');
  }
  const messages: Json[] = [];
  const system = systemText(body.system);
  if (system !== '') messages.push({ role: 'system', content: system });
  body.messages.forEach((m, i) => pushAll(messages, convertMessage(m, i, opts.provider)));

  const out: ChatBody = { model: upstreamModel, messages };
  if (typeof body.max_tokens === 'number') out[opts.maxCompletionTokens ? 'max_completion_tokens' : 'max_tokens'] = body.max_tokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) out.stop = body.stop_sequences;

  const tools = Array.isArray(body.tools) ? body.tools.filter(isClientTool) : [];
  if (tools.length > 0) out.tools = tools.map(convertTool);
  Object.assign(out, convertToolChoice(body.tool_choice, tools));

  const effort = reasoningEffort(body.thinking, body.output_config);
  if (effort) out.reasoning_effort = effort;
  const format = responseFormat(body.output_config);
  if (format) out.response_format = format;
  const user = isObject(body.metadata) ? body.metadata.user_id : undefined;
  if (typeof user === 'string' && user !== '') out.user = user;
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}

/** `system`: a string or text blocks, joined by a blank line (`cache_control` dropped: these providers cache on their own). */
export function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .map((b) => (isObject(b) && b.type === 'text' ? str(b.text) : ''))
    .filter((t) => t !== '')
    .join('\n\n');
}

/** One Messages entry → chat messages (a user turn with tool results becomes tool messages, then the rest). */
function convertMessage(m: unknown, i: number, provider: string | undefined): Json[] {
  if (!isObject(m)) throw invalidRequest('invalid_messages', `messages[${i}] must be an object.`, 'messages');
  const { role, content } = m;
  if (role === 'system') return [{ role: 'system', content: typeof content === 'string' ? content : systemText(content) }];
  if (role !== 'user' && role !== 'assistant') {
    throw invalidRequest('invalid_messages', `messages[${i}].role must be "user" or "assistant".`, 'messages');
  }
  if (typeof content === 'string') return [{ role, content }];
  if (!Array.isArray(content)) throw invalidRequest('invalid_messages', `messages[${i}].content must be a string or an array of blocks.`, 'messages');
  return role === 'assistant' ? [assistantMessage(content, provider)] : userMessages(content, i);
}

/**
 * An assistant turn → one chat message. Its thinking blocks: one whose signature is the gateway envelope of the
 * target provider's state gives back its text (`reasoning_content`) and the state the envelope carries
 * (`reasoning_details`, `thinking_blocks`, each call's `extra_content`); any other (Anthropic's signature, another
 * provider's envelope, an empty signature: state of unknown origin) is dropped, and so are server tool blocks.
 */
function assistantMessage(blocks: unknown[], provider: string | undefined): Json {
  let text = '';
  let reasoning = '';
  const toolCalls: Json[] = [];
  const details: Json[] = [];
  const signed: Json[] = [];
  const extras = new Map<string, Json>();
  for (const b of blocks) {
    if (!isObject(b)) continue;
    if (b.type === 'text') text += str(b.text);
    else if (b.type === 'tool_use') {
      toolCalls.push({ id: str(b.id), type: 'function', function: { name: chatToolName(str(b.name)), arguments: JSON.stringify(b.input ?? {}) } });
    } else if (b.type === 'thinking' && provider !== undefined) {
      const state = decodeReasoning(b.signature, provider);
      if (!state) continue;
      reasoning += str(b.thinking);
      pushAll(details, state.reasoning_details ?? []);
      pushAll(signed, state.thinking_blocks ?? []);
      for (const [id, extra] of Object.entries(state.extra_content ?? {})) extras.set(id, extra);
    }
  }
  const out: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (reasoning !== '') out.reasoning_content = reasoning;
  if (details.length > 0) out.reasoning_details = details;
  if (signed.length > 0) out.thinking_blocks = signed;
  if (extras.size > 0) for (const tc of toolCalls) if (extras.has(tc.id as string)) tc.extra_content = extras.get(tc.id as string);
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  return out;
}

function userMessages(blocks: unknown[], i: number): Json[] {
  const results: Json[] = [];
  const parts: Json[] = [];
  for (const b of blocks) {
    if (!isObject(b)) continue;
    if (b.type === 'tool_result') {
      const { text, images } = toolResultContent(b.content);
      results.push({ role: 'tool', tool_call_id: str(b.tool_use_id), content: b.is_error === true ? `Error: ${text}` : text });
      pushAll(parts, images); // a tool message carries text only: its images follow in the user message
    } else {
      const part = contentPart(b, i);
      if (part) parts.push(part);
    }
  }
  if (parts.length > 0) {
    const allText = parts.every((p) => p.type === 'text');
    results.push({ role: 'user', content: allText ? parts.map((p) => p.text).join('\n\n') : parts });
  }
  return results;
}

function toolResultContent(content: unknown): { text: string; images: Json[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) return { text: '', images: [] };
  const texts: string[] = [];
  const images: Json[] = [];
  for (const b of content) {
    if (!isObject(b)) continue;
    if (b.type === 'text') texts.push(str(b.text));
    else {
      const part = contentPart(b, -1);
      if (part?.type === 'text') texts.push(str(part.text));
      else if (part) images.push(part);
    }
  }
  return { text: texts.join('\n'), images };
}

/** A user content block → a chat content part (undefined: nothing an OpenAI-compatible model can read). */
export function contentPart(b: Json, i: number): Json | undefined {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: str(b.text) };
    case 'image': {
      const url = sourceUrl(b.source);
      if (!url) throw invalidRequest('invalid_messages', `messages[${i}]: an image needs a base64 or url source.`, 'messages');
      return { type: 'image_url', image_url: { url } };
    }
    case 'document':
      return documentPart(b, i);
    case 'search_result': {
      const texts = Array.isArray(b.content) ? b.content.map((c) => (isObject(c) ? str(c.text) : '')) : [];
      return { type: 'text', text: [str(b.title), str(b.source), ...texts].filter((t) => t !== '').join('\n') };
    }
    default:
      return undefined; // thinking, redacted_thinking, server tool results: Anthropic-only
  }
}

function sourceUrl(source: unknown): string | undefined {
  if (!isObject(source)) return undefined;
  if (source.type === 'base64' && typeof source.data === 'string') return `data:${str(source.media_type) || 'application/octet-stream'};base64,${source.data}`;
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  return undefined;
}

/** Documents: plain text inline; a base64 PDF as a chat `file` part; a URL or file id named in a text part. */
function documentPart(b: Json, i: number): Json {
  const source = isObject(b.source) ? b.source : {};
  const title = str(b.title);
  if (source.type === 'text') return { type: 'text', text: title ? `${title}\n\n${str(source.data)}` : str(source.data) };
  if (source.type === 'content' && Array.isArray(source.content)) {
    return { type: 'text', text: source.content.map((c) => (isObject(c) ? str(c.text) : '')).join('\n') };
  }
  if (source.type === 'base64' && typeof source.data === 'string') {
    return { type: 'file', file: { filename: title || 'document.pdf', file_data: `data:${str(source.media_type) || 'application/pdf'};base64,${source.data}` } };
  }
  if (source.type === 'url' && typeof source.url === 'string') return { type: 'text', text: `Document${title ? ` "${title}"` : ''}: ${source.url}` };
  throw invalidRequest('invalid_messages', `messages[${i}]: a document needs a text, content, base64 or url source.`, 'messages');
}

/** The client's tool names that the chat side carries shortened (chatToolName), by their chat name: for the answer. */
export function shortenedToolNames(tools: unknown): Map<string, string> {
  const names = new Map<string, string>();
  if (Array.isArray(tools)) for (const t of tools) if (isClientTool(t) && chatToolName(t.name as string) !== t.name) names.set(chatToolName(t.name as string), t.name as string);
  return names;
}

function convertTool(t: Json): Json {
  const fn: Json = { name: chatToolName(t.name as string), parameters: isObject(t.input_schema) ? t.input_schema : { type: 'object', properties: {} } };
  if (typeof t.description === 'string') fn.description = t.description;
  if (t.strict === true) fn.strict = true;
  return { type: 'function', function: fn };
}

/** `tool_choice` → chat `tool_choice` (+ `parallel_tool_calls: false` for `disable_parallel_tool_use`). */
export function convertToolChoice(choice: unknown, tools: Json[]): Json {
  if (tools.length === 0) {
    // No tool the provider can run: a choice that forces one cannot be honoured.
    if (isObject(choice) && (choice.type === 'any' || choice.type === 'tool')) {
      throw invalidRequest('invalid_tools', 'tool_choice forces a tool, but no tool given runs on this provider (server tools are Anthropic-only).', 'tool_choice');
    }
    return {};
  }
  if (!isObject(choice)) return {};
  const out: Json = {};
  if (choice.type === 'auto') out.tool_choice = 'auto';
  else if (choice.type === 'any') out.tool_choice = 'required';
  else if (choice.type === 'none') out.tool_choice = 'none';
  else if (choice.type === 'tool') {
    if (!tools.some((t) => t.name === choice.name)) {
      throw invalidRequest('invalid_tools', `tool_choice names ${JSON.stringify(choice.name)}, which is not a tool this provider runs.`, 'tool_choice');
    }
    out.tool_choice = { type: 'function', function: { name: chatToolName(choice.name as string) } };
  }
  if (choice.disable_parallel_tool_use === true && choice.type !== 'none') out.parallel_tool_calls = false;
  return out;
}

const EFFORTS: Record<string, string> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'high', max: 'high' };

/**
 * An explicit request for reasoning → `reasoning_effort`: `thinking: {type: "enabled", budget_tokens}` by
 * budget, or `output_config.effort` when thinking is enabled. `adaptive` (Claude Code's default) and an effort
 * alone leave the choice to the model: many chat models reject `reasoning_effort` outright.
 */
export function reasoningEffort(thinking: unknown, outputConfig: unknown): string | undefined {
  if (!isObject(thinking) || thinking.type !== 'enabled') return undefined;
  const effort = isObject(outputConfig) ? EFFORTS[str(outputConfig.effort)] : undefined;
  if (effort) return effort;
  const budget = typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens : 0;
  return budget >= 16_000 ? 'high' : budget >= 4_000 ? 'medium' : 'low';
}

/** `output_config.format` (structured outputs) → `response_format: json_schema`. */
export function responseFormat(outputConfig: unknown): Json | undefined {
  const format = isObject(outputConfig) ? outputConfig.format : undefined;
  if (!isObject(format) || format.type !== 'json_schema' || !isObject(format.schema)) return undefined;
  return { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
}
