/**
 * Writing the pivot's chat stream (dialects/pivot.ts), for the adapters that translate a provider's own stream
 * into it (Anthropic, Gemini, OpenAI Responses): `chat.completion.chunk` frames under the answer's id, model and
 * creation time (set as the provider reveals them), then the usage chunk `include_usage` asks for, and `[DONE]`.
 */

type Json = Record<string, unknown>;

export const sseData = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;

export interface ChunkWriter {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  /** One chunk of choice 0 (`extra`: more fields of the choice, such as `stop_details`). */
  chunk(delta: Json, finish?: string | null, extra?: Json): string;
  /** The end of the answer: its usage chunk (when the client asked for one) and `[DONE]`. */
  end(usage: unknown): string;
}

/** `includeUsage`: the client sent `stream_options.include_usage: true` (every chunk then carries `usage: null`). */
export function chunkWriter(includeUsage: boolean, created = Math.floor(Date.now() / 1000)): ChunkWriter {
  const w: ChunkWriter = {
    id: '',
    model: '',
    created,
    chunk: (delta, finish = null, extra) =>
      sseData({
        id: w.id,
        object: 'chat.completion.chunk',
        created: w.created,
        model: w.model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...extra }],
        ...(includeUsage ? { usage: null } : {}),
      }),
    end: (usage) =>
      `${includeUsage ? sseData({ id: w.id, object: 'chat.completion.chunk', created: w.created, model: w.model, choices: [], usage }) : ''}data: [DONE]\n\n`,
  };
  return w;
}
