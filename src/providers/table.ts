/**
 * The built-in providers, as data (CONTRACT §2, issue "Usable from day one").
 * Every row follows one naming rule: key in `<ID>_API_KEY`, base URL overridable with `<ID>_BASE_URL`.
 */

export type ProviderKind = 'openai-compatible' | 'anthropic' | 'gemini';
export type AuthStyle = 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'none';

/**
 * What each kind means for a provider's URLs and its default auth: OpenAI-compatible base URLs include the
 * version segment (OpenAI-SDK convention); Anthropic's and Gemini's are the server root. For Gemini, `chatPath` is
 * the models collection the adapter appends `/{model}:{action}` to.
 */
export const KIND_DEFAULTS: Readonly<Record<ProviderKind, { auth: AuthStyle; chatPath: string; modelsPath: string }>> = {
  'openai-compatible': { auth: 'bearer', chatPath: '/chat/completions', modelsPath: '/models' },
  anthropic: { auth: 'x-api-key', chatPath: '/v1/messages', modelsPath: '/v1/models' },
  gemini: { auth: 'x-goog-api-key', chatPath: '/v1beta/models', modelsPath: '/v1beta/models' },
};

/**
 * Where an OpenAI-compatible provider reads reasoning state back on earlier assistant messages (REASONING.md):
 * `reasoning_content` (DeepSeek, Kimi, GLM: the key on every tool-call message), `reasoning` (vLLM, gpt-oss,
 * Ollama), `reasoning_details` (OpenRouter, MiniMax: unmodified), or `none` (the fields are stripped: strict
 * APIs such as Groq's, Cerebras' and Mistral's refuse them). Applied by `providers/reasoning-carrier.ts`.
 */
export type ReasoningCarrier = 'reasoning_content' | 'reasoning' | 'reasoning_details' | 'none';

export const REASONING_CARRIERS: readonly ReasoningCarrier[] = ['reasoning_content', 'reasoning', 'reasoning_details', 'none'];

export interface ProviderSpec {
  id: string;
  kind: ProviderKind;
  /** Base URL including the version segment (OpenAI-SDK convention), or the server root for Anthropic and Gemini. */
  baseUrl: string;
  /** Absent: the kind's (KIND_DEFAULTS). */
  auth?: AuthStyle;
  /** A keyless provider (a local server) is enabled when its base URL variable is set. */
  keyless?: boolean;
  /** Request-body quirks (PROVIDERS.md §2). */
  quirks?: { maxCompletionTokensToMaxTokens?: boolean; developerToSystem?: boolean };
  /** Speaks the OpenAI Responses API (`{base}/responses`): `/v1/responses` passes through unchanged. */
  responses?: boolean;
  /** Chat requests go upstream as Responses requests too (translated), rather than passing through to chat. */
  chatViaResponses?: boolean;
  /** Its reasoning carrier; absent: `reasoning` (what vLLM reads), `none` for the Anthropic kind (unused there). */
  reasoning?: ReasoningCarrier;
}

export const BUILTIN_PROVIDERS: readonly ProviderSpec[] = [
  { id: 'openai', kind: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', responses: true, reasoning: 'none' },
  { id: 'anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', reasoning: 'none' },
  { id: 'gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com', reasoning: 'none' },
  {
    id: 'nebius',
    kind: 'openai-compatible',
    baseUrl: 'https://api.tokenfactory.nebius.com/v1',
    quirks: { maxCompletionTokensToMaxTokens: true },
    reasoning: 'reasoning_content',
  },
  {
    id: 'deepinfra',
    kind: 'openai-compatible',
    baseUrl: 'https://api.deepinfra.com/v1/openai',
    quirks: { maxCompletionTokensToMaxTokens: true, developerToSystem: true },
    reasoning: 'reasoning_content',
  },
  { id: 'groq', kind: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', reasoning: 'none' },
  { id: 'together', kind: 'openai-compatible', baseUrl: 'https://api.together.xyz/v1', reasoning: 'reasoning' },
  { id: 'fireworks', kind: 'openai-compatible', baseUrl: 'https://api.fireworks.ai/inference/v1', reasoning: 'reasoning_content' },
  { id: 'openrouter', kind: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1', reasoning: 'reasoning_details' },
  { id: 'mistral', kind: 'openai-compatible', baseUrl: 'https://api.mistral.ai/v1', reasoning: 'none' },
  { id: 'xai', kind: 'openai-compatible', baseUrl: 'https://api.x.ai/v1', reasoning: 'none' },
  // Reasoning models whose state must come back (REASONING.md): DeepSeek and Kimi refuse a tool loop without it.
  { id: 'deepseek', kind: 'openai-compatible', baseUrl: 'https://api.deepseek.com', reasoning: 'reasoning_content' },
  { id: 'moonshot', kind: 'openai-compatible', baseUrl: 'https://api.moonshot.ai/v1', reasoning: 'reasoning_content' },
  { id: 'zai', kind: 'openai-compatible', baseUrl: 'https://api.z.ai/api/paas/v4', reasoning: 'reasoning_content' },
  { id: 'minimax', kind: 'openai-compatible', baseUrl: 'https://api.minimax.io/v1', reasoning: 'reasoning_details' },
  { id: 'cerebras', kind: 'openai-compatible', baseUrl: 'https://api.cerebras.ai/v1', reasoning: 'none' },
  {
    id: 'ollama',
    kind: 'openai-compatible',
    baseUrl: 'http://127.0.0.1:11434/v1',
    auth: 'none',
    keyless: true,
    reasoning: 'reasoning',
  },
];

/** Default aliases (CONTRACT §3): the seed's names, current targets. */
export const DEFAULT_ALIASES: Readonly<Record<string, string>> = {
  'gpt-4o': 'openai/gpt-4o',
  'gpt-4o-mini': 'openai/gpt-4o-mini',
  'claude-sonnet': 'anthropic/claude-sonnet-4-6',
  'claude-haiku': 'anthropic/claude-haiku-4-5',
  'llama-70b': 'nebius/meta-llama/Llama-3.3-70B-Instruct',
  'llama-8b': 'nebius/meta-llama/Meta-Llama-3.1-8B-Instruct',
  'llama-70b-alt': 'deepinfra/meta-llama/Llama-3.3-70B-Instruct-Turbo',
  // Embedding models (`POST /v1/embeddings`). The Qwen3 pair is one model on two providers, so their vectors
  // stay comparable when a client switches between them (as with llama-70b and llama-70b-alt).
  'text-embedding-3-small': 'openai/text-embedding-3-small',
  'text-embedding-3-large': 'openai/text-embedding-3-large',
  'qwen3-embedding-8b': 'nebius/Qwen/Qwen3-Embedding-8B',
  'qwen3-embedding-8b-alt': 'deepinfra/Qwen/Qwen3-Embedding-8B',
  // Wildcards (a key ending in `*` matches by prefix; `*` in the target is what it matched): any Claude or GPT
  // name a client sends (Claude Code's `claude-opus-5-5`, Codex's `gpt-5.1-codex`, `gemini-3-flash`) reaches its own
  // provider.
  'claude-*': 'anthropic/claude-*',
  'gpt-*': 'openai/gpt-*',
  'gemini-*': 'gemini/gemini-*',
};
