/**
 * Anthropic `usage` → OpenAI `usage` (PROVIDERS.md §3a "usage fields", §3d "usage"; ANTHROPIC-FIDELITY.md §4.3).
 * Anthropic's `input_tokens` excludes cached tokens; OpenAI's `prompt_tokens` includes them, so
 * `prompt_tokens` = input + cache reads + cache writes, `prompt_tokens_details.cached_tokens` = reads,
 * `prompt_tokens_details.cache_write_tokens` = writes (OpenRouter's name), and LiteLLM's top-level
 * `cache_creation_input_tokens` / `cache_read_input_tokens`; thinking tokens as `reasoning_tokens` when reported.
 */
import { finiteNumber as n } from '../../json.js';

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function mapUsage(u: AnthropicUsage | null | undefined): OpenAIUsage {
  const cacheRead = n(u?.cache_read_input_tokens);
  const cacheWrite = n(u?.cache_creation_input_tokens);
  const prompt = n(u?.input_tokens) + cacheRead + cacheWrite;
  const completion = n(u?.output_tokens);
  const out: OpenAIUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
  const thinking = u?.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number' && Number.isFinite(thinking)) out.completion_tokens_details = { reasoning_tokens: thinking };
  return out;
}

/** Stream usage arrives in pieces (`message_start`, then cumulative `message_delta`): later numbers win. */
export function mergeUsage(into: AnthropicUsage, u: unknown): void {
  if (typeof u !== 'object' || u === null) return;
  const target = into as Record<string, unknown>;
  for (const [k, v] of Object.entries(u)) {
    if (typeof v === 'number') target[k] = v;
    else if (k === 'output_tokens_details' && typeof v === 'object' && v !== null) {
      target[k] = { ...(target[k] as object | undefined), ...Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'number')) };
    }
  }
}
