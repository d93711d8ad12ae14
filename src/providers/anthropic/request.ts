/**
 * OpenAI chat request → Anthropic Messages request (PROVIDERS.md §3c, sampling caveats in §3a).
 * Pure: reads the client body, returns a new object; throws GatewayError (400) for what Anthropic cannot express.
 * @see https://docs.claude.com/en/api/messages
 */
import { invalidRequest } from '../../errors.js';
import type { ChatBody } from '../types.js';

/** `max_tokens` is required by Anthropic; used when the client sets neither max_completion_tokens nor max_tokens. */
export const DEFAULT_MAX_TOKENS = 4096;

/** OpenAI fields with no Anthropic equivalent: never sent upstream (`n` only when it is 1; `user` is moved, not dropped). */
export const DROPPED_FIELDS = [
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'store',
  'modalities',
  'audio',
  'prediction',
  'service_tier',
  'response_format',
  'reasoning_effort',
  'n',
  'stream_options',
  'metadata',
  'web_search_options',
  'verbosity',
  'prompt_cache_key',
  'safety_identifier',
  'functions',
  'function_call',
] as const;

type Json = Record<string, unknown>;
type Block = Json;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Opus 4.7+, Sonnet 5+, Opus 5+, Fable: temperature/top_p/top_k are rejected (§3a "Sampling caveats"). */
export function rejectsSampling(model: string): boolean {
  return /claude-(?:opus-4-[78](?!\d)|sonnet-5|opus-5|fable-)/.test(model);
}

/** Claude 4.5 generation and newer: temperature and top_p cannot both be sent (§3a). */
export function isClaude45OrNewer(model: string): boolean {
  return /-4-[5-9](?!\d)/.test(model) || /claude-(?:opus|sonnet|haiku)-[5-9](?!\d)/.test(model) || /claude-fable-/.test(model);
}

export function toAnthropicRequest(body: ChatBody, upstreamModel: string): Record<string, unknown> {
  if (!Array.isArray(body.messages)) {
    throw invalidRequest('invalid_messages', 'The request body needs a "messages" array.', 'messages');
  }
  if (typeof body.n === 'number' && body.n > 1) {
    throw invalidRequest('unsupported_parameter', 'Anthropic models return one choice: "n" must be 1.', 'n');
  }
  const { system, messages } = convertMessages(body.messages);
  const out: Json = {
    model: upstreamModel,
    max_tokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS,
  };
  if (system !== undefined) out.system = system;
  out.messages = messages;

  const tools = convertTools(body.tools);
  if (tools) {
    out.tools = tools;
    const choice = convertToolChoice(body.tool_choice, body.parallel_tool_calls);
    if (choice) out.tool_choice = choice;
  }

  Object.assign(out, sampling(body, upstreamModel));
  const stops = stopSequences(body.stop);
  if (stops) out.stop_sequences = stops;
  if (body.stream === true) out.stream = true;
  if (typeof body.user === 'string' && body.user !== '') out.metadata = { user_id: body.user };
  // No allowlist: a field that is neither mapped nor known to have no equivalent goes upstream as it is
  // (`thinking`, `output_config`, `context_management`, ...), so Anthropic accepts it or says why not.
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED_FIELDS.has(key) && !DROPPED.has(key) && !(key in out)) out[key] = value;
  }
  return out;
}

/** OpenAI fields this module translates. */
const MAPPED_FIELDS = new Set(['model', 'messages', 'max_tokens', 'max_completion_tokens', 'stop', 'temperature', 'top_p', 'top_k', 'tools', 'tool_choice', 'parallel_tool_calls', 'stream', 'user']);
const DROPPED: ReadonlySet<string> = new Set(DROPPED_FIELDS);

function sampling(body: ChatBody, model: string): Json {
  if (rejectsSampling(model)) return {};
  const out: Json = {};
  if (typeof body.temperature === 'number') out.temperature = Math.min(body.temperature, 1);
  if (typeof body.top_p === 'number' && !(out.temperature !== undefined && isClaude45OrNewer(model))) {
    out.top_p = body.top_p;
  }
  if (typeof body.top_k === 'number') out.top_k = body.top_k;
  return out;
}

function stopSequences(stop: unknown): string[] | undefined {
  const list = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : [];
  const kept = list.filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  return kept.length > 0 ? kept : undefined;
}

function convertTools(tools: unknown): Json[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalidRequest('invalid_tools', '"tools" must be an array.', 'tools');
  if (tools.length === 0) return undefined;
  return tools.map((tool, i) => {
    const fn = isObject(tool) && tool.type === 'function' ? tool.function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string') {
      throw invalidRequest('invalid_tools', `tools[${i}] must be {"type":"function","function":{"name",...}}.`, `tools[${i}]`);
    }
    const out: Json = { name: fn.name };
    if (typeof fn.description === 'string') out.description = fn.description;
    out.input_schema = isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} };
    return out;
  });
}

function convertToolChoice(choice: unknown, parallel: unknown): Json | undefined {
  let out: Json | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') {
    out = { type: 'tool', name: choice.function.name };
  } else if (choice !== undefined && choice !== null) {
    throw invalidRequest(
      'invalid_tool_choice',
      '"tool_choice" must be "auto", "required", "none" or {"type":"function","function":{"name"}}.',
      'tool_choice',
    );
  }
  if (parallel === false && out?.type !== 'none') out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}

/** Hoist system/developer text; convert the rest, merging tool results (+ the next user turn) into one user turn. */
function convertMessages(input: unknown[]): { system: string | undefined; messages: Json[] } {
  const systemParts: string[] = [];
  const messages: Json[] = [];
  // The user message holding tool_result blocks that the next tool or user message may still join.
  let openToolTurn: Block[] | undefined;

  input.forEach((raw, i) => {
    const where = `messages[${i}]`;
    if (!isObject(raw)) throw invalidRequest('invalid_messages', `${where} must be an object.`, where);
    const { role, content } = raw;
    switch (role) {
      case 'system':
      case 'developer':
        systemParts.push(...systemText(content, where));
        return; // does not close an open tool turn
      case 'tool': {
        const block: Block = { type: 'tool_result', tool_use_id: String(raw.tool_call_id ?? '') };
        const c = toolResultContent(content, where);
        if (c !== undefined) block.content = c;
        if (openToolTurn) openToolTurn.push(block);
        else {
          openToolTurn = [block];
          messages.push({ role: 'user', content: openToolTurn });
        }
        return;
      }
      case 'user': {
        if (openToolTurn) {
          const blocks = typeof content === 'string' ? textBlocks(content) : userBlocks(content, where);
          openToolTurn.push(...blocks);
          openToolTurn = undefined;
        } else {
          messages.push({ role: 'user', content: typeof content === 'string' ? content : userBlocks(content, where) });
        }
        return;
      }
      case 'assistant':
        openToolTurn = undefined;
        messages.push({ role: 'assistant', content: assistantContent(raw, where) });
        return;
      default:
        throw invalidRequest('invalid_messages', `${where}.role ${JSON.stringify(role)} is not supported.`, `${where}.role`);
    }
  });
  return { system: systemParts.length > 0 ? systemParts.join('\n') : undefined, messages };
}

function systemText(content: unknown, where: string): string[] {
  if (typeof content === 'string') return content === '' ? [] : [content];
  if (Array.isArray(content)) {
    return content
      .map((p) => (isObject(p) && p.type === 'text' && typeof p.text === 'string' ? p.text : ''))
      .filter((t) => t !== '');
  }
  if (content === null || content === undefined) return [];
  throw invalidRequest('invalid_messages', `${where}.content must be a string or an array of text parts.`, `${where}.content`);
}

const textBlocks = (text: string): Block[] => (text === '' ? [] : [{ type: 'text', text }]);

function userBlocks(content: unknown, where: string): Block[] {
  if (!Array.isArray(content)) {
    throw invalidRequest('invalid_messages', `${where}.content must be a string or an array of content parts.`, `${where}.content`);
  }
  return content.flatMap((part, j) => contentPart(part, `${where}.content[${j}]`));
}

function contentPart(part: unknown, where: string): Block[] {
  if (!isObject(part)) throw invalidRequest('invalid_messages', `${where} must be an object.`, where);
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' ? textBlocks(part.text) : [];
    case 'image_url': {
      const ref = part.image_url;
      const url = typeof ref === 'string' ? ref : isObject(ref) ? ref.url : undefined;
      return [mediaBlock(url, where)];
    }
    case 'file': {
      const data = isObject(part.file) ? part.file.file_data : undefined;
      if (typeof data === 'string' && data.startsWith('data:')) return [mediaBlock(data, where)];
      throw invalidRequest('unsupported_content', `${where}: only inline (data: URL) files are supported for Anthropic models.`, where);
    }
    default:
      throw invalidRequest('unsupported_content', `${where}: content part type ${JSON.stringify(part.type)} is not supported for Anthropic models.`, where);
  }
}

/** A data: URL → base64 image (or PDF document); an http(s) URL → url image source. */
function mediaBlock(url: unknown, where: string): Block {
  if (typeof url === 'string') {
    const data = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s.exec(url);
    if (data) {
      const [, mediaType, b64] = data;
      const source = { type: 'base64', media_type: mediaType, data: b64 };
      return { type: mediaType === 'application/pdf' ? 'document' : 'image', source };
    }
    if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  }
  throw invalidRequest('invalid_image_url', `${where}: the URL must be an http(s) URL or a base64 data: URL.`, where);
}

function toolResultContent(content: unknown, where: string): string | Block[] | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return undefined;
  return userBlocks(content, where);
}

function assistantContent(msg: Json, where: string): string | Block[] {
  const { content, tool_calls: calls } = msg;
  const hasCalls = Array.isArray(calls) && calls.length > 0;
  if (typeof content === 'string' && !hasCalls) return content;
  const blocks: Block[] = [];
  if (typeof content === 'string') blocks.push(...textBlocks(content));
  else if (Array.isArray(content)) {
    content.forEach((p, j) => {
      if (!isObject(p)) throw invalidRequest('invalid_messages', `${where}.content[${j}] must be an object.`, `${where}.content[${j}]`);
      if (p.type === 'text' && typeof p.text === 'string') blocks.push(...textBlocks(p.text));
      else if (p.type === 'refusal' && typeof p.refusal === 'string') blocks.push(...textBlocks(p.refusal));
    });
  }
  if (hasCalls) (calls as unknown[]).forEach((call, j) => blocks.push(toolUse(call, `${where}.tool_calls[${j}]`)));
  return blocks;
}

function toolUse(call: unknown, where: string): Block {
  const fn = isObject(call) ? call.function : undefined;
  if (!isObject(call) || !isObject(fn) || typeof fn.name !== 'string') {
    throw invalidRequest('invalid_messages', `${where} must be {"id","type":"function","function":{"name","arguments"}}.`, where);
  }
  const args = typeof fn.arguments === 'string' && fn.arguments !== '' ? fn.arguments : '{}';
  let input: unknown;
  try {
    input = JSON.parse(args);
  } catch {
    input = undefined;
  }
  if (!isObject(input)) {
    throw invalidRequest(
      'invalid_tool_arguments',
      `${where}.function.arguments must be a JSON object string; Anthropic needs the tool input as an object.`,
      `${where}.function.arguments`,
    );
  }
  return { type: 'tool_use', id: String(call.id ?? ''), name: fn.name, input };
}
