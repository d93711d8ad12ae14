/** Provider kinds → their adapter. */
import type { ProviderKind } from './table.js';
import type { ProviderAdapter } from './types.js';
import { anthropic } from './anthropic/index.js';
import { gemini } from './gemini/index.js';
import { openAICompatible } from './openai-compatible.js';

const ADAPTERS: Record<ProviderKind, ProviderAdapter> = {
  'openai-compatible': openAICompatible,
  anthropic,
  gemini,
};

export const adapterFor = (kind: ProviderKind): ProviderAdapter => ADAPTERS[kind];
