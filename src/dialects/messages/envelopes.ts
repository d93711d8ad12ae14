/**
 * A Messages request to an Anthropic provider without the thinking blocks that carry another provider's reasoning
 * state (signed with the gateway envelope, reasoning-envelope.ts: a conversation that went to DeepSeek or Gemini
 * before coming back to Claude). Anthropic refuses a signature it did not issue (400 `Invalid signature in thinking
 * block`), and the state is not its own anyway. A turn left with no content goes (Anthropic joins the turns around
 * it). When that leaves the last assistant turn that calls tools without the thinking block Anthropic requires
 * first while thinking is on, the request goes with thinking off, as a chat request to Anthropic does in the same
 * case (providers/anthropic/request.ts): the turn is another model's, and no signature can be made for it.
 * The body comes back as it was (no copy) when it holds no envelope; linear in the blocks.
 */
import { isEnvelope } from '../reasoning-envelope.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

const isEnvelopeBlock = (b: unknown) => isObject(b) && b.type === 'thinking' && isEnvelope(b.signature);
const isThinking = (b: unknown) => isObject(b) && (b.type === 'thinking' || b.type === 'redacted_thinking');
const callsTools = (m: Json) => Array.isArray(m.content) && m.content.some((b) => isObject(b) && b.type === 'tool_use');

export function withoutEnvelopes(body: Json): Json {
  const messages = body.messages;
  if (!Array.isArray(messages)) return body;
  let out: unknown[] | undefined;
  /** The last assistant turn as sent, and whether envelope blocks were taken out of it. */
  let last: Json | undefined;
  let lastChanged = false;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    const assistant = isObject(m) && m.role === 'assistant';
    const content = assistant && Array.isArray(m.content) ? m.content : undefined;
    if (!content || !content.some(isEnvelopeBlock)) {
      out?.push(m);
      if (assistant) [last, lastChanged] = [m, false];
      continue;
    }
    out ??= messages.slice(0, i);
    const kept = content.filter((b) => !isEnvelopeBlock(b));
    const changed = { ...(m as Json), content: kept };
    if (kept.length > 0) out.push(changed);
    [last, lastChanged] = [changed, true];
  }
  if (!out) return body;
  const stripped: Json = { ...body, messages: out };
  const thinking = body.thinking;
  const on = isObject(thinking) && thinking.type !== 'disabled';
  if (on && lastChanged && last && callsTools(last) && !isThinking((last.content as unknown[])[0])) delete stripped.thinking;
  return stripped;
}
