/** PROVIDERS.md §3d usage: prompt_tokens includes both cache counts; cached_tokens = cache reads, cache_write_tokens = writes. */
import { describe, it, expect } from 'vitest';
import { mapUsage } from '../../src/providers/anthropic/usage.js';

describe('mapUsage', () => {
  it.each([
    {
      name: 'plain',
      in: { input_tokens: 21, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      out: { prompt_tokens: 21, completion_tokens: 10, total_tokens: 31, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    {
      name: 'cache read and cache creation',
      in: { input_tokens: 5, output_tokens: 7, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000 },
      out: { prompt_tokens: 2105, completion_tokens: 7, total_tokens: 2112, prompt_tokens_details: { cached_tokens: 2000, cache_write_tokens: 100 }, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000 },
    },
    {
      name: 'cache fields absent or null',
      in: { input_tokens: 3, output_tokens: 4, cache_read_input_tokens: null },
      out: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    {
      name: 'thinking tokens → completion_tokens_details.reasoning_tokens',
      in: { input_tokens: 6, output_tokens: 144, cache_creation_input_tokens: 398, cache_read_input_tokens: 2634, output_tokens_details: { thinking_tokens: 90 } },
      out: {
        prompt_tokens: 3038,
        completion_tokens: 144,
        total_tokens: 3182,
        prompt_tokens_details: { cached_tokens: 2634, cache_write_tokens: 398 },
        completion_tokens_details: { reasoning_tokens: 90 },
        cache_creation_input_tokens: 398,
        cache_read_input_tokens: 2634,
      },
    },
    {
      name: 'no usage at all',
      in: undefined,
      out: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  ])('$name', ({ in: input, out }) => {
    expect(mapUsage(input)).toEqual(out);
  });
});
