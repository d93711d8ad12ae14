/**
 * Signed thinking blocks on the chat side (the pivot's `thinking_blocks`, dialects/pivot.ts): Anthropic's own
 * blocks, `{type:"thinking", thinking, signature}` (signature-only blocks have `thinking: ""`) and
 * `{type:"redacted_thinking", data}`, sent back by the client unmodified. Also read back: OpenRouter's
 * `reasoning_details` and thinking parts in an assistant message's content (ANTHROPIC-FIDELITY.md §3.2).
 * Never sent to Anthropic: a gateway envelope as a signature (a client's forgery, or another provider's state), and
 * `reasoning_details` entries of another provider's format (OpenAI's encrypted items, Gemini's signatures).
 */
import { isEnvelope } from '../../dialects/reasoning-envelope.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

/** One block as Anthropic needs it back (only its own fields, unmodified), or undefined when it cannot be replayed. */
export function anthropicThinkingBlock(b: unknown): Json | undefined {
  if (!isObject(b)) return undefined;
  if (b.type === 'thinking' && typeof b.signature === 'string' && b.signature !== '' && !isEnvelope(b.signature)) {
    return { type: 'thinking', thinking: typeof b.thinking === 'string' ? b.thinking : '', signature: b.signature };
  }
  if (b.type === 'redacted_thinking' && typeof b.data === 'string' && !isEnvelope(b.data)) return { type: 'redacted_thinking', data: b.data };
  return undefined;
}

/** The `format` OpenRouter gives Anthropic's reasoning (an entry without one is taken as Anthropic's too). */
const ANTHROPIC_FORMAT = 'anthropic-claude-v1';

/**
 * OpenRouter's `reasoning_details` entry → Anthropic block (unsigned text cannot be replayed and is skipped; an
 * entry of another format, such as `openai-responses-v1` or `google-gemini-v1`, is another provider's state).
 */
function fromReasoningDetail(d: unknown): Json | undefined {
  if (!isObject(d) || (d.format !== undefined && d.format !== ANTHROPIC_FORMAT)) return undefined;
  if (d.type === 'reasoning.text' && typeof d.signature === 'string' && d.signature !== '' && !isEnvelope(d.signature)) {
    return { type: 'thinking', thinking: typeof d.text === 'string' ? d.text : '', signature: d.signature };
  }
  if (d.type === 'reasoning.encrypted' && typeof d.data === 'string' && !isEnvelope(d.data)) return { type: 'redacted_thinking', data: d.data };
  return undefined;
}

const present = (list: (Json | undefined)[]): Json[] => list.filter((b): b is Json => b !== undefined);

/** The signed blocks an assistant message carries: `thinking_blocks`, else `reasoning_details`, else thinking content parts. */
export function clientThinkingBlocks(msg: Json): Json[] {
  if (Array.isArray(msg.thinking_blocks)) {
    const blocks = present(msg.thinking_blocks.map(anthropicThinkingBlock));
    if (blocks.length > 0) return blocks;
  }
  if (Array.isArray(msg.reasoning_details)) {
    const blocks = present(msg.reasoning_details.map(fromReasoningDetail));
    if (blocks.length > 0) return blocks;
  }
  if (Array.isArray(msg.content)) return present(msg.content.map(anthropicThinkingBlock));
  return [];
}

export const isThinkingBlock = (b: unknown): boolean => isObject(b) && (b.type === 'thinking' || b.type === 'redacted_thinking');
