/**
 * OpenAI chat messages → Anthropic `system` + `messages` (PROVIDERS.md §3c): system/developer text hoisted, tool
 * results merged into one user turn (results first), `cache_control` markers kept on the matching blocks, and
 * an assistant turn's signed thinking blocks put back first, unmodified (from the message, or from the thinking
 * cache by `tool_call_id` when the client dropped them).
 */
import { invalidRequest } from '../../errors.js';
import { jsonDepthExceeds, MAX_EMBEDDED_JSON_DEPTH } from '../../json-depth.js';
import { pushAll } from '../../lists.js';
import { dataUrl } from '../chat-request.js';
import { cacheControlOf, marked } from './cache-control.js';
import { clientThinkingBlocks } from './thinking-blocks.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;
type Block = Json;

export interface ConvertedMessages {
  /** System text blocks in order (each may carry `cache_control`). */
  system: Block[];
  messages: Json[];
}

export interface MessageOptions {
  /** Signed blocks of the turn that made these tool calls, when the client did not send them back. */
  recall?: (toolCallIds: string[]) => Block[] | undefined;
}

/** Hoist system/developer text; convert the rest, merging tool results (+ the next user turn) into one user turn. */
export function convertMessages(input: unknown[], opts: MessageOptions = {}): ConvertedMessages {
  const system: Block[] = [];
  const messages: Json[] = [];
  // The user message holding tool_result blocks that the next tool or user message may still join.
  let openToolTurn: Block[] | undefined;

  input.forEach((raw, i) => {
    const where = `messages[${i}]`;
    if (!isObject(raw)) throw invalidRequest('invalid_messages', `${where} must be an object.`, where);
    const { role, content } = raw;
    const cc = cacheControlOf(raw.cache_control, where);
    switch (role) {
      case 'system':
      case 'developer': {
        const blocks = systemBlocks(content, where);
        if (cc && blocks.length > 0) blocks[blocks.length - 1] = marked(blocks[blocks.length - 1], cc);
        pushAll(system, blocks);
        return; // does not close an open tool turn
      }
      case 'tool': {
        const block: Block = { type: 'tool_result', tool_use_id: String(raw.tool_call_id ?? '') };
        const c = toolResultContent(content, where);
        if (c !== undefined) block.content = c;
        const result = marked(block, cc);
        if (openToolTurn) openToolTurn.push(result);
        else {
          openToolTurn = [result];
          messages.push({ role: 'user', content: openToolTurn });
        }
        return;
      }
      case 'user': {
        const blocks = typeof content === 'string' && (cc || openToolTurn) ? textBlocks(content) : typeof content === 'string' ? undefined : userBlocks(content, where);
        if (cc && blocks && blocks.length > 0) blocks[blocks.length - 1] = marked(blocks[blocks.length - 1], cc);
        if (openToolTurn) {
          pushAll(openToolTurn, blocks ?? []);
          openToolTurn = undefined;
        } else messages.push({ role: 'user', content: blocks ?? content });
        return;
      }
      case 'assistant': {
        openToolTurn = undefined;
        let c = assistantContent(raw, where, opts);
        if (cc) {
          const blocks = typeof c === 'string' ? textBlocks(c) : c;
          // Never on a thinking block (Anthropic refuses it there).
          const last = blocks.length - 1;
          if (last >= 0 && blocks[last].type !== 'thinking' && blocks[last].type !== 'redacted_thinking') blocks[last] = marked(blocks[last], cc);
          c = blocks;
        }
        messages.push({ role: 'assistant', content: c });
        return;
      }
      default:
        throw invalidRequest('invalid_messages', `${where}.role ${JSON.stringify(role)} is not supported.`, `${where}.role`);
    }
  });
  return { system, messages };
}

function systemBlocks(content: unknown, where: string): Block[] {
  if (typeof content === 'string') return textBlocks(content);
  if (Array.isArray(content)) {
    return content.flatMap((p, j) =>
      isObject(p) && p.type === 'text' && typeof p.text === 'string' && p.text !== ''
        ? [marked({ type: 'text', text: p.text }, cacheControlOf(p.cache_control, `${where}.content[${j}]`))]
        : [],
    );
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
  const cc = cacheControlOf(part.cache_control, where);
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' ? textBlocks(part.text).map((b) => marked(b, cc)) : [];
    case 'image_url': {
      const ref = part.image_url;
      const url = typeof ref === 'string' ? ref : isObject(ref) ? ref.url : undefined;
      return [marked(mediaBlock(url, where), cc)];
    }
    case 'file': {
      const data = isObject(part.file) ? part.file.file_data : undefined;
      if (typeof data === 'string' && data.startsWith('data:')) return [marked(mediaBlock(data, where), cc)];
      throw invalidRequest('unsupported_content', `${where}: only inline (data: URL) files are supported.`, where);
    }
    default:
      throw invalidRequest('unsupported_content', `${where}: content part type ${JSON.stringify(part.type)} is not supported.`, where);
  }
}

/** A data: URL → base64 image (or PDF document); an http(s) URL → url image source. */
function mediaBlock(url: unknown, where: string): Block {
  if (typeof url === 'string') {
    const inline = dataUrl(url);
    if (inline?.mediaType) {
      const source = { type: 'base64', media_type: inline.mediaType, data: inline.data };
      return { type: inline.mediaType === 'application/pdf' ? 'document' : 'image', source };
    }
    if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  }
  throw invalidRequest('invalid_image_url', `${where}: the URL must be http(s) or a base64 data: URL.`, where);
}

function toolResultContent(content: unknown, where: string): string | Block[] | undefined {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return undefined;
  return userBlocks(content, where);
}

function assistantContent(msg: Json, where: string, opts: MessageOptions): string | Block[] {
  const { content, tool_calls: calls } = msg;
  const hasCalls = Array.isArray(calls) && calls.length > 0;
  let thinking = clientThinkingBlocks(msg);
  if (thinking.length === 0 && hasCalls && opts.recall) {
    const ids = (calls as unknown[]).map((c) => (isObject(c) ? String(c.id ?? '') : '')).filter((id) => id !== '');
    thinking = (ids.length > 0 && opts.recall(ids)) || [];
  }
  if (typeof content === 'string' && !hasCalls && thinking.length === 0) return content;
  const blocks: Block[] = [...thinking];
  if (typeof content === 'string') pushAll(blocks, textBlocks(content));
  else if (Array.isArray(content)) {
    content.forEach((p, j) => {
      if (!isObject(p)) throw invalidRequest('invalid_messages', `${where}.content[${j}] must be an object.`, `${where}.content[${j}]`);
      const cc = cacheControlOf(p.cache_control, `${where}.content[${j}]`);
      if (p.type === 'text' && typeof p.text === 'string') pushAll(blocks, textBlocks(p.text).map((b) => marked(b, cc)));
      else if (p.type === 'refusal' && typeof p.refusal === 'string') pushAll(blocks, textBlocks(p.refusal));
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
  if (jsonDepthExceeds(args, MAX_EMBEDDED_JSON_DEPTH)) {
    throw invalidRequest('invalid_tool_arguments', `${where}.function.arguments nests deeper than ${MAX_EMBEDDED_JSON_DEPTH} levels.`, `${where}.function.arguments`);
  }
  let input: unknown;
  try {
    input = JSON.parse(args);
  } catch {
    input = undefined;
  }
  if (!isObject(input)) {
    throw invalidRequest(
      'invalid_tool_arguments',
      `${where}.function.arguments must be a JSON object.`,
      `${where}.function.arguments`,
    );
  }
  return marked({ type: 'tool_use', id: String(call.id ?? ''), name: fn.name, input }, cacheControlOf(call.cache_control, where));
}

/** The last assistant turn, when it calls tools: the one Anthropic needs to start with its thinking blocks. */
export function lastToolUseTurn(messages: Json[]): Block[] | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== 'assistant') continue;
    return Array.isArray(m.content) && m.content.some((b) => isObject(b) && b.type === 'tool_use') ? (m.content as Block[]) : undefined;
  }
  return undefined;
}
