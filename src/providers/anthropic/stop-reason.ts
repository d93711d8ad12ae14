/**
 * Anthropic `stop_reason` → OpenAI `finish_reason` (PROVIDERS.md §3d, stop_reason table).
 * @see https://docs.claude.com/en/api/handling-stop-reasons
 */

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    default:
      // null and unknown (future) reasons end the turn normally.
      return 'stop';
  }
}
