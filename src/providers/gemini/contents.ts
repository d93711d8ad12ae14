/**
 * Chat messages → Gemini `systemInstruction` and `contents`. System and developer messages, wherever they stand,
 * join the system instruction; user → `user`, assistant → `model`; tool results become `functionResponse` parts
 * of a `user` turn (consecutive turns of one role are merged, so parallel results share one turn). A tool message
 * carries only the call id: the function's name comes from the assistant call with that id. Calls and results
 * keep their ids (Gemini's own, or the ones the gateway made up for calls that had none), which keeps parallel
 * calls to the same function apart. Signatures go back on the parts they came from (signatures.ts).
 */
import { invalidRequest } from '../../errors.js';
import { dataUrl } from '../chat-request.js';
import { BYPASS_SIGNATURE, callSignature, detailSignatures } from './signatures.js';
import { isObject as isJsonObject } from '../../json.js';

type Json = Record<string, any>;

/** The shared test, typed for this module's loose `Json`. */
const isObject = isJsonObject as (v: unknown) => v is Json;

export interface Contents {
  system: Json[];
  contents: Json[];
}

export interface ContentsOptions {
  /** Gemini 3: the first call of each step of the current turn needs a signature (the bypass value if it has none). */
  signedCalls: boolean;
}

export function toContents(messages: unknown[], opts: ContentsOptions): Contents {
  const system: Json[] = [];
  const contents: Json[] = [];
  /** tool_call_id → the function's name, from the assistant messages seen so far. */
  const names = new Map<string, string>();
  let lastUser = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObject(m) && m.role === 'user') {
      lastUser = i;
      break;
    }
  }
  const add = (role: 'user' | 'model', parts: Json[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) for (const p of parts) last.parts.push(p);
    else contents.push({ role, parts });
  };
  messages.forEach((m, i) => {
    if (!isObject(m)) throw invalid(i, 'must be an object');
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOf(m.content, i);
        if (text !== '') system.push({ text });
        break;
      }
      case 'user':
        add('user', userParts(m.content, i));
        break;
      case 'assistant':
        add('model', modelParts(m, i, names, opts.signedCalls && i > lastUser));
        break;
      case 'tool': {
        const id = m.tool_call_id;
        if (typeof id !== 'string') throw invalid(i, 'needs a "tool_call_id"');
        const name = names.get(id) ?? (typeof m.name === 'string' && m.name !== '' ? m.name : undefined);
        if (name === undefined) throw invalid(i, `answers tool call ${JSON.stringify(id)}, which no earlier message made`);
        add('user', [{ functionResponse: { id, name, response: { output: textOf(m.content, i) } } }]);
        break;
      }
      default:
        throw invalid(i, 'role must be system, developer, user, assistant or tool');
    }
  });
  return { system, contents };
}

const invalid = (i: number, what: string) => invalidRequest('invalid_messages', `messages[${i}] ${what}.`, `messages[${i}]`);

/** A content that must be text: a string, or text (and refusal) parts joined. */
function textOf(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) return '';
  if (!Array.isArray(content)) throw invalid(i, 'content must be a string or an array of parts');
  let text = '';
  for (const p of content) {
    if (isObject(p) && (p.type === 'text' || p.type === 'refusal')) text += typeof p.text === 'string' ? p.text : typeof p.refusal === 'string' ? p.refusal : '';
    else throw invalid(i, 'may hold only text parts here');
  }
  return text;
}

/** An assistant message → `model` parts: its text, its calls, and the signatures that go with them. */
function modelParts(m: Json, i: number, names: Map<string, string>, currentTurn: boolean): Json[] {
  const text = textOf(m.content, i);
  const calls: Json[] = [];
  if (m.tool_calls !== undefined && m.tool_calls !== null) {
    if (!Array.isArray(m.tool_calls)) throw invalid(i, 'tool_calls must be an array');
    m.tool_calls.forEach((c: unknown, k: number) => {
      const fn = isObject(c) ? c.function : undefined;
      if (!isObject(c) || !isObject(fn) || typeof fn.name !== 'string' || typeof c.id !== 'string') {
        throw invalid(i, `tool_calls[${k}] must be {"id", "type": "function", "function": {"name", "arguments"}}`);
      }
      names.set(c.id, fn.name);
      const part: Json = { functionCall: { id: c.id, name: fn.name, args: callArgs(fn.arguments, i, k) } };
      const sig = callSignature(c);
      if (sig) part.thoughtSignature = sig;
      calls.push(part);
    });
  }
  const signatures = detailSignatures(m.reasoning_details);
  let next = 0;
  // A turn's signature that came on a text part while its first call had none (Gemini 3 may close a step with an
  // empty signed text part) belongs with that call: Gemini checks the first call of each step.
  if (calls.length > 0 && calls[0].thoughtSignature === undefined && next < signatures.length) calls[0].thoughtSignature = signatures[next++];
  if (currentTurn && calls.length > 0 && calls[0].thoughtSignature === undefined) calls[0].thoughtSignature = BYPASS_SIGNATURE;
  const parts: Json[] = [];
  if (text !== '') parts.push(next < signatures.length ? { text, thoughtSignature: signatures[next++] } : { text });
  for (const c of calls) parts.push(c);
  while (next < signatures.length) parts.push({ text: '', thoughtSignature: signatures[next++] });
  return parts;
}

/** A call's `arguments` (a JSON object as text) → `args`. */
function callArgs(args: unknown, i: number, k: number): Json {
  if (isObject(args)) return args;
  if (args === undefined || args === null || args === '') return {};
  let parsed: unknown;
  try {
    parsed = typeof args === 'string' ? JSON.parse(args) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed)) throw invalid(i, `tool_calls[${k}].function.arguments must be a JSON object`);
  return parsed;
}

/** A user message's content → parts: text, images (data: URLs inline, http(s) by URL), audio, files. */
function userParts(content: unknown, i: number): Json[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) throw invalid(i, 'content must be a string or an array of parts');
  return content.map((p, k): Json => {
    if (!isObject(p)) throw invalid(i, `content[${k}] must be an object`);
    switch (p.type) {
      case 'text':
        return { text: typeof p.text === 'string' ? p.text : '' };
      case 'image_url': {
        const url = isObject(p.image_url) ? p.image_url.url : p.image_url;
        if (typeof url !== 'string') throw invalid(i, `content[${k}].image_url needs a "url"`);
        return mediaPart(url, i, k);
      }
      case 'input_audio': {
        const audio = isObject(p.input_audio) ? p.input_audio : {};
        if (typeof audio.data !== 'string' || typeof audio.format !== 'string') throw invalid(i, `content[${k}].input_audio needs "data" and "format"`);
        return { inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } };
      }
      case 'file': {
        const file = isObject(p.file) ? p.file : {};
        if (typeof file.file_data !== 'string') throw invalid(i, `content[${k}].file needs "file_data" (a data: URL)`);
        return mediaPart(file.file_data, i, k);
      }
      default:
        throw invalid(i, `content[${k}] has an unsupported part type (${JSON.stringify(p.type)})`);
    }
  });
}

const MIME_BY_EXTENSION = new Map([
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['webp', 'image/webp'],
  ['gif', 'image/gif'],
  ['heic', 'image/heic'],
  ['heif', 'image/heif'],
  ['pdf', 'application/pdf'],
]);

/** A data: URL (base64) → `inlineData`; an http(s) URL → `fileData` (its type from the extension, when known). */
function mediaPart(url: string, i: number, k: number): Json {
  if (url.startsWith('data:')) {
    const inline = dataUrl(url);
    if (!inline) throw invalid(i, `content[${k}]: a data: URL must be base64`);
    return { inlineData: { mimeType: inline.mediaType || 'application/octet-stream', data: inline.data } };
  }
  if (/^https?:\/\//i.test(url)) {
    const path = url.split(/[?#]/, 1)[0]!;
    const dot = path.lastIndexOf('.');
    const mimeType = dot > path.lastIndexOf('/') ? MIME_BY_EXTENSION.get(path.slice(dot + 1).toLowerCase()) : undefined;
    return { fileData: mimeType ? { mimeType, fileUri: url } : { fileUri: url } };
  }
  throw invalid(i, `content[${k}]: a URL must be a data: URL or http(s)`);
}
