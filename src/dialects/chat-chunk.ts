/**
 * Reading the pivot's chat stream (`chat.completion.chunk` events, dialects/pivot.ts), the same for every
 * translator of it (the Messages, Responses and Gemini streams, and the assembler): a chunk's JSON, the error an
 * OpenAI-compatible server reports mid-stream instead of a chunk, the choice a dialect follows, and the key of
 * each tool call.
 */

type Json = Record<string, any>;

/** One event's data as a chunk (anything but an object: an empty one); throws on text that is not JSON. */
export function parseChunk(data: string): Json {
  let c: unknown;
  try {
    c = JSON.parse(data);
  } catch {
    throw new Error('The provider sent an unreadable stream chunk.');
  }
  return typeof c === 'object' && c !== null ? (c as Json) : {};
}

export interface ChunkError {
  /** An HTTP error status: the error's numeric `code` (vLLM's, Google's), else its numeric `status`, else 500. */
  status: number;
  message: string;
  /** The error's `type`, else its `code`, when a string (OpenAI's `rate_limit_exceeded`, ...). */
  type?: string;
}

/** The error a chunk carries (`{"error": {...}}`, or `{"error": "text"}`), which ends the stream; else undefined. */
export function chunkError(c: Json): ChunkError | undefined {
  if (c.error === undefined || c.error === null) return undefined;
  const e: Json = typeof c.error === 'object' ? c.error : { message: String(c.error) };
  const status = typeof e.code === 'number' ? e.code : e.status;
  const type = typeof e.type === 'string' ? e.type : e.code;
  return {
    status: typeof status === 'number' && status >= 400 && status < 600 ? status : 500,
    message: typeof e.message === 'string' && e.message !== '' ? e.message : 'The provider reported an error.',
    type: typeof type === 'string' ? type : undefined,
  };
}

/** The choice a dialect answers from: the one of index 0 (a chunk of an `n` > 1 stream may hold others). */
export const firstChoice = (c: Json): Json | undefined =>
  Array.isArray(c.choices) ? c.choices.find((ch: Json) => (ch?.index ?? 0) === 0) : undefined;

/**
 * The key of each tool-call delta: its `index`, or, for upstreams that omit it, one of ours past any index (a
 * new id is a new call, no id the last one).
 */
export function toolCallKeys(): (tc: Json) => number {
  let key = -1;
  let id = '';
  return (tc) => {
    if (typeof tc.index === 'number') return tc.index;
    const given = typeof tc.id === 'string' ? tc.id : '';
    if (key < 0 || (given !== '' && id !== '' && given !== id)) {
      key = key < 0 ? 1_000_000 : key + 1;
      id = given;
    } else if (id === '') id = given;
    return key;
  };
}
