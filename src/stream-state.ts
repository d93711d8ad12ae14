/**
 * The bound on what one stream translator holds (MINI_LLM_MAX_STREAM_STATE_BYTES): the text, reasoning, tool
 * arguments and signed blocks it must repeat or check later (a Responses stream's final events, a Messages
 * stream's check that a tool call's arguments are whole, the Anthropic adapter's whole thinking blocks). A
 * provider that streams more into one answer ends the stream with the route's failure event (the stream guard
 * turns the StreamLimitError into it, and the upstream is cancelled) instead of growing memory without bound.
 * Sizes are string lengths, counted as the text arrives (at most its UTF-8 size; nothing is re-encoded).
 */
import { LIMIT_DEFAULTS } from './config.js';
import { StreamLimitError } from './errors.js';

/** A translator would have to hold more than the limit. */
export class StreamStateTooLarge extends StreamLimitError {
  constructor(readonly limit: number) {
    super('upstream_stream_too_large', `The answer is too large to translate: over ${limit} bytes to hold (MINI_LLM_MAX_STREAM_STATE_BYTES).`);
    this.name = 'StreamStateTooLarge';
  }
}

/** What an output item, content part, tool call or held fragment costs besides its text (objects and ids), roughly. */
export const ENTRY_COST = 128;

/** The bytes one translator holds, against the limit. */
export class StreamState {
  private held = 0;

  constructor(private readonly limit: number = LIMIT_DEFAULTS.maxStreamStateBytes) {}

  /** Throws StreamStateTooLarge when `n` more bytes would pass the limit; called before anything is kept. */
  check(n: number): void {
    if (this.held + n > this.limit) throw new StreamStateTooLarge(this.limit);
  }

  /** `n` more bytes held (checked first). */
  hold(n: number): void {
    this.check(n);
    this.held += n;
  }

  /** `n` bytes no longer held. */
  release(n: number): void {
    this.held -= n;
  }
}
