/** Provider kinds → their adapter. */
import type { ProviderKind } from './table.js';
import type { ModelList, ProviderAdapter } from './types.js';
import { anthropic, anthropicModelList } from './anthropic/index.js';
import { gemini, geminiModelList } from './gemini/index.js';
import { openAICompatible, openAIModelList } from './openai-compatible.js';

const ADAPTERS: Record<ProviderKind, ProviderAdapter> = {
  'openai-compatible': openAICompatible,
  anthropic,
  gemini,
};

export const adapterFor = (kind: ProviderKind): ProviderAdapter => ADAPTERS[kind];

const MODEL_LISTS: Record<ProviderKind, ModelList> = {
  'openai-compatible': openAIModelList,
  anthropic: anthropicModelList,
  gemini: geminiModelList,
};

/** How `models --check` lists a kind's models (the CLI only: nothing the gateway serves imports it). */
export const modelListFor = (kind: ProviderKind): ModelList => MODEL_LISTS[kind];
