/** The capability table (ANTHROPIC-FIDELITY.md §1.2, §2.2): each model id lands in its family; unknown → newest. */
import { describe, expect, it } from 'vitest';
import { modelCaps } from '../../src/providers/anthropic/models.js';

describe('modelCaps', () => {
  it.each([
    ['claude-3-7-sonnet-20250219', 'legacy'],
    ['claude-sonnet-4-20250514', 'legacy'],
    ['claude-opus-4-1-20250805', 'legacy'],
    ['claude-opus-4-0', 'legacy'],
    ['claude-sonnet-4-5', '4.5'],
    ['claude-sonnet-4-5-20250929', '4.5'],
    ['claude-haiku-4-5-20251001', '4.5'],
    ['claude-opus-4-5', '4.5'],
    ['claude-sonnet-4-6', '4.6'],
    ['claude-opus-4-6', '4.6'],
    ['claude-opus-4-7', 'newest'],
    ['claude-opus-4-8', 'newest'],
    ['claude-sonnet-5', 'newest'],
    ['claude-opus-5-5', 'newest'],
    ['claude-fable-5-1', 'newest'],
    ['claude-mythos-preview', 'newest'],
    ['claude-sonnet-9-0-20301231', 'newest'],
    ['some-future-name', 'newest'],
  ])('%s → %s', (model, family) => expect(modelCaps(model).family).toBe(family));

  it.each([
    { model: 'claude-sonnet-4-20250514', structuredOutputs: false, thinking: 'enabled', efforts: [], sampling: 'all', forcedTool: true },
    { model: 'claude-haiku-4-5', structuredOutputs: true, thinking: 'enabled', efforts: [], sampling: 'one', forcedTool: true },
    { model: 'claude-opus-4-5', structuredOutputs: true, thinking: 'enabled', efforts: ['low', 'medium', 'high'], sampling: 'one', forcedTool: true },
    { model: 'claude-sonnet-4-6', structuredOutputs: true, thinking: 'adaptive', efforts: ['low', 'medium', 'high', 'max'], sampling: 'one', forcedTool: true },
    { model: 'claude-opus-4-7', structuredOutputs: true, thinking: 'adaptive', efforts: ['low', 'medium', 'high', 'xhigh', 'max'], sampling: 'none', forcedTool: false },
  ])('$model capabilities', ({ model, ...want }) => expect(modelCaps(model)).toMatchObject(want));
});
