/**
 * Anthropic `usage` → OpenAI `usage` (PROVIDERS.md §3a "usage fields", §3d "usage").
 * Anthropic's `input_tokens` excludes cached tokens; OpenAI's `prompt_tokens` includes them.
 */

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function mapUsage(u: AnthropicUsage | null | undefined): OpenAIUsage {
  const cacheRead = n(u?.cache_read_input_tokens);
  const prompt = n(u?.input_tokens) + cacheRead + n(u?.cache_creation_input_tokens);
  const completion = n(u?.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}
