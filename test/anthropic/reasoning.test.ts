/** reasoning_effort → thinking/effort per family, and the constraints applied with thinking on (ANTHROPIC-FIDELITY.md §2). */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { modelCaps } from '../../src/providers/anthropic/models.js';
import { applyThinkingConstraints, planReasoning, supportedEffort, THINKING_BUDGETS } from '../../src/providers/anthropic/reasoning.js';
import { toAnthropicRequest } from '../../src/providers/anthropic/request.js';

const hi = [{ role: 'user', content: 'hi' }];
const conv = (model: string, extra: Record<string, unknown>) => toAnthropicRequest({ model: 'alias', messages: hi, ...extra }, model);

describe('reasoning_effort per family', () => {
  it.each<{ model: string; effort: string; max?: number; thinking: unknown; output_config?: unknown; max_tokens: number }>([
    // 4.5 (Sonnet/Haiku): enabled + budget, no effort parameter
    { model: 'claude-sonnet-4-5', effort: 'low', thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 4096 },
    { model: 'claude-haiku-4-5', effort: 'minimal', thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 4096 },
    { model: 'claude-sonnet-4-5', effort: 'high', thinking: { type: 'enabled', budget_tokens: 4096 }, max_tokens: 8192 },
    { model: 'claude-sonnet-4-5', effort: 'medium', max: 1000, thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 3048 },
    { model: 'claude-sonnet-4-5', effort: 'max', max: 60000, thinking: { type: 'enabled', budget_tokens: 16384 }, max_tokens: 60000 },
    // Opus 4.5: enabled + budget, and effort (no max: nearest below)
    { model: 'claude-opus-4-5', effort: 'medium', thinking: { type: 'enabled', budget_tokens: 2048 }, output_config: { effort: 'medium' }, max_tokens: 4096 },
    { model: 'claude-opus-4-5', effort: 'max', max: 20000, thinking: { type: 'enabled', budget_tokens: 16384 }, output_config: { effort: 'high' }, max_tokens: 20000 },
    // legacy (Sonnet 4): enabled + budget
    { model: 'claude-sonnet-4-20250514', effort: 'low', thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 4096 },
    // 4.6: adaptive + effort; xhigh → max (nearest above)
    { model: 'claude-sonnet-4-6', effort: 'low', thinking: { type: 'adaptive' }, output_config: { effort: 'low' }, max_tokens: 4096 },
    { model: 'claude-opus-4-6', effort: 'xhigh', thinking: { type: 'adaptive' }, output_config: { effort: 'max' }, max_tokens: 4096 },
    { model: 'claude-sonnet-4-6', effort: 'minimal', thinking: { type: 'adaptive' }, output_config: { effort: 'low' }, max_tokens: 4096 },
    // newest: adaptive, summarized display (omitted is the default), xhigh
    { model: 'claude-opus-4-7', effort: 'xhigh', thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'xhigh' }, max_tokens: 4096 },
    { model: 'claude-future-9', effort: 'high', thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' }, max_tokens: 4096 },
    // none: off everywhere
    { model: 'claude-sonnet-4-5', effort: 'none', thinking: undefined, max_tokens: 4096 },
    { model: 'claude-sonnet-4-6', effort: 'none', thinking: undefined, max_tokens: 4096 },
    { model: 'claude-opus-4-7', effort: 'none', thinking: undefined, max_tokens: 4096 },
  ])('$model, $effort (max_tokens $max)', ({ model, effort, max, thinking, output_config, max_tokens }) => {
    const out = conv(model, { reasoning_effort: effort, ...(max ? { max_tokens: max } : {}) });
    expect(out.thinking).toEqual(thinking);
    expect(out.output_config).toEqual(output_config);
    expect(out.max_tokens).toBe(max_tokens);
    expect(out).not.toHaveProperty('reasoning_effort');
  });

  it('an unknown effort is a 400 naming the values', () => {
    expect(() => conv('claude-sonnet-4-6', { reasoning_effort: 'extreme' })).toThrow(GatewayError);
    expect(() => conv('claude-sonnet-4-6', { reasoning_effort: 'extreme' })).toThrow(/none, minimal, low, medium, high, xhigh, max/);
  });

  it("the client's own thinking wins; its budget is kept below max_tokens", () => {
    expect(conv('claude-sonnet-4-5', { thinking: { type: 'enabled', budget_tokens: 8000 }, max_tokens: 2000 })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 8000 },
      max_tokens: 10000,
    });
    expect(conv('claude-sonnet-4-6', { reasoning_effort: 'low', thinking: { type: 'enabled', budget_tokens: 2048 } })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      output_config: { effort: 'low' },
    });
  });

  it('a budget that cannot fit the model maximum shrinks, or thinking goes when below 1024', () => {
    const caps = modelCaps('claude-sonnet-4-5');
    expect(planReasoning('high', undefined, caps, 64000)).toEqual({ thinking: { type: 'enabled', budget_tokens: 4096 }, effort: undefined, maxTokens: 64000 });
    expect(planReasoning(undefined, { type: 'enabled', budget_tokens: 70000 }, caps, 64000).thinking).toEqual({ type: 'enabled', budget_tokens: 63999 });
    expect(planReasoning(undefined, { type: 'enabled', budget_tokens: 1024 }, { ...caps, maxOutputTokens: 1000 }, 1000).thinking).toBeUndefined();
  });

  it('supportedEffort: exact, else nearest above, else nearest below', () => {
    expect(supportedEffort(modelCaps('claude-opus-4-6'), 'xhigh')).toBe('max');
    expect(supportedEffort(modelCaps('claude-opus-4-5'), 'xhigh')).toBe('high');
    expect(supportedEffort(modelCaps('claude-sonnet-4-5'), 'high')).toBeUndefined();
    expect(THINKING_BUDGETS.low).toBe(1024);
  });
});

describe('constraints with thinking on', () => {
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
  it.each<{ row: string; model: string; body: Record<string, unknown>; want: Record<string, unknown> }>([
    { row: 'temperature and top_k dropped (4.5)', model: 'claude-sonnet-4-5', body: { temperature: 0.2, top_k: 5 }, want: { temperature: undefined, top_k: undefined } },
    { row: 'top_p clamped up to 0.95 (4.6)', model: 'claude-sonnet-4-6', body: { top_p: 0.5 }, want: { top_p: 0.95 } },
    { row: 'top_p 0.97 kept (4.6)', model: 'claude-sonnet-4-6', body: { top_p: 0.97 }, want: { top_p: 0.97 } },
    { row: 'temperature + top_p (4.5): top_p kept, clamped, not lost to temperature', model: 'claude-haiku-4-5', body: { temperature: 0.3, top_p: 0.5 }, want: { temperature: undefined, top_p: 0.95 } },
    { row: 'tool_choice required → auto', model: 'claude-sonnet-4-6', body: { tools, tool_choice: 'required' }, want: { tool_choice: { type: 'auto' } } },
    {
      row: 'named tool_choice → auto, parallel flag kept',
      model: 'claude-opus-4-5',
      body: { tools, tool_choice: { type: 'function', function: { name: 'f' } }, parallel_tool_calls: false },
      want: { tool_choice: { type: 'auto', disable_parallel_tool_use: true } },
    },
    { row: 'tool_choice none kept', model: 'claude-sonnet-4-6', body: { tools, tool_choice: 'none' }, want: { tool_choice: { type: 'none' } } },
    { row: 'newest: no sampling at all', model: 'claude-opus-4-7', body: { temperature: 1, top_p: 1 }, want: { temperature: undefined, top_p: undefined } },
  ])('$row', ({ model, body, want }) => {
    const out = conv(model, { reasoning_effort: 'high', ...body });
    expect(out.thinking).toBeDefined();
    for (const [k, v] of Object.entries(want)) {
      if (v === undefined) expect(out).not.toHaveProperty(k);
      else expect(out[k]).toEqual(v);
    }
  });

  it('without thinking the same fields pass (4.5: temperature alone)', () => {
    expect(conv('claude-sonnet-4-5', { temperature: 0.2, top_k: 5, tools, tool_choice: 'required' })).toMatchObject({ temperature: 0.2, top_k: 5, tool_choice: { type: 'any' } });
  });

  it('applyThinkingConstraints is pure over the fields it knows', () => {
    expect(applyThinkingConstraints({ top_p: 2, tool_choice: { type: 'tool', name: 'x' }, other: 1 })).toEqual({ top_p: 1, tool_choice: { type: 'auto' }, other: 1 });
  });
});
