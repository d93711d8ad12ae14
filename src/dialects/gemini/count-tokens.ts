/**
 * `:countTokens` for providers other than Gemini: a local ESTIMATE, with the same rule of thumb as Messages'
 * count_tokens (about 4 characters a token; images, audio and files a flat amount), over the system
 * instruction, every part of every turn (text, function calls and responses), and the tools. Never 0 for a
 * request with content. Takes `{contents}` and `{generateContentRequest: {...}}`.
 */
import { CHARS_PER_TOKEN, MEDIA_TOKENS, MESSAGE_OVERHEAD_TOKENS } from '../messages/count-tokens.js';
import { field } from './request.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

interface Tally {
  chars: number;
  tokens: number;
}

function walkPart(part: unknown, t: Tally): void {
  if (!isObject(part)) return;
  if (typeof part.text === 'string') t.chars += part.text.length;
  else if (field(part, 'inlineData') !== undefined || field(part, 'fileData') !== undefined) t.tokens += MEDIA_TOKENS;
  else {
    const call = field(part, 'functionCall') ?? field(part, 'functionResponse') ?? field(part, 'executableCode') ?? field(part, 'codeExecutionResult');
    if (call !== undefined) t.chars += JSON.stringify(call).length;
  }
}

function walkParts(parts: unknown, t: Tally): void {
  if (Array.isArray(parts)) for (const p of parts) walkPart(p, t);
}

export function estimateGeminiTokens(body: Json): number {
  const request = isObject(field(body, 'generateContentRequest')) ? (field(body, 'generateContentRequest') as Json) : body;
  const t: Tally = { chars: 0, tokens: 0 };
  const system = field(request, 'systemInstruction');
  if (typeof system === 'string') t.chars += system.length;
  else walkParts(field(system, 'parts'), t);
  const contents = field(request, 'contents');
  const turns = Array.isArray(contents) ? contents : [];
  for (const c of turns) walkParts(field(c, 'parts'), t);
  const tools = field(request, 'tools');
  if (tools !== undefined) t.chars += JSON.stringify(tools).length;
  return Math.max(1, Math.ceil(t.chars / CHARS_PER_TOKEN) + t.tokens + turns.length * MESSAGE_OVERHEAD_TOKENS);
}

/** The `countTokens` answer. */
export const countTokensAnswer = (body: Json) => ({ totalTokens: estimateGeminiTokens(body) });
