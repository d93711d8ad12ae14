/**
 * `POST /v1/messages/count_tokens` for providers without it (OpenAI-compatible): a local ESTIMATE, about 4
 * characters a token, over every part of the request: system, messages of every block type (text, tool_use
 * inputs, tool_result contents, thinking), tool names, descriptions and schemas, tool_choice. Images and binary
 * documents count a flat amount (their base64 length says nothing about their tokens). Never 0 for a request
 * with any content: Claude Code reads 0 as "nothing to compact" and a 404 as "ask the model instead".
 */

type Json = Record<string, unknown>;

/** Characters per token: the usual rule of thumb for English text and code with BPE tokenizers. */
export const CHARS_PER_TOKEN = 4;
/** An image or a binary document: about what a ~1 megapixel image costs on Claude. */
export const MEDIA_TOKENS = 1600;
/** Per-message framing (role, separators). */
export const MESSAGE_OVERHEAD_TOKENS = 3;

interface Tally {
  chars: number;
  tokens: number;
}

function walk(v: unknown, t: Tally): void {
  if (typeof v === 'string') t.chars += v.length;
  else if (typeof v === 'number' || typeof v === 'boolean') t.chars += String(v).length;
  else if (Array.isArray(v)) for (const x of v) walk(x, t);
  else if (typeof v === 'object' && v !== null) {
    const o = v as Json;
    if (o.type === 'image' || (o.type === 'document' && (o.source as Json | undefined)?.type !== 'text' && (o.source as Json | undefined)?.type !== 'content')) {
      t.tokens += MEDIA_TOKENS;
      return;
    }
    for (const [k, x] of Object.entries(o)) {
      if (k === 'cache_control' || k === 'signature' || k === 'type' || k === 'id' || k === 'tool_use_id') continue;
      if (k === 'input' || k === 'input_schema') t.chars += JSON.stringify(x ?? {}).length;
      else walk(x, t);
    }
  }
}

export function estimateInputTokens(body: Json): number {
  const t: Tally = { chars: 0, tokens: 0 };
  walk(body.system, t);
  walk(body.tools, t);
  walk(body.tool_choice, t);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  walk(messages, t);
  const total = Math.ceil(t.chars / CHARS_PER_TOKEN) + t.tokens + messages.length * MESSAGE_OVERHEAD_TOKENS;
  return Math.max(1, total);
}
