/** PROVIDERS.md §3d stop_reason table. */
import { describe, it, expect } from 'vitest';
import { mapStopReason } from '../../src/providers/anthropic/stop-reason.js';

describe('mapStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
    [undefined, 'stop'],
    ['some_future_reason', 'stop'],
  ] as const)('%s → %s', (reason, expected) => {
    expect(mapStopReason(reason)).toBe(expected);
  });
});
