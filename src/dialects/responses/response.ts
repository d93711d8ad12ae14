/**
 * A whole `chat.completion` → a Responses `response` object (ENDPOINTS.md §4.2): reasoning (an item with its
 * summary, and, when asked for, the provider's reasoning state as its `encrypted_content`: the gateway envelope
 * naming the provider, reasoning-envelope.ts), then one message item (text and refusal parts; none in a tool-only
 * turn), then one item per tool call; status from `finish_reason`; usage with cached and reasoning token counts. Pure.
 */
import { newId, responseObject, statusOf, usageFromChat, type Echo } from './envelope.js';
import { callItem, reasoningItem, refusalPart, textPart } from './items.js';
import type { ToolOrigins } from './request.js';
import { encodeReasoning } from '../reasoning-envelope.js';
import { hasOpaqueState, stateOfMessage } from '../reasoning-state.js';

type Json = Record<string, any>;

export interface AnswerContext {
  echo: Echo;
  origins: ToolOrigins;
  /** The response id (the stream's, when there is one); generated when absent. */
  id?: string;
  /** The client asked for `reasoning.encrypted_content` (the provider's reasoning state goes there). */
  encrypted?: boolean;
  /** The provider that answered (named in `encrypted_content`: its state goes back to it only). */
  provider: string;
}

export function toResponse(chat: Json, ctx: AnswerContext): Json {
  const choice = Array.isArray(chat.choices) ? chat.choices[0] : undefined;
  const message: Json = choice?.message ?? {};
  const { status, incomplete_details } = statusOf(choice?.finish_reason);
  const output: Json[] = [];
  const state = stateOfMessage(message);
  const text = state.reasoning_content ?? '';
  if (text !== '' || (ctx.encrypted && hasOpaqueState(state))) {
    const encrypted = ctx.encrypted ? encodeReasoning({ provider: ctx.provider, ...state }) : undefined;
    output.push(reasoningItem(newId('rs'), text, undefined, encrypted));
  }
  const content: Json[] = [];
  if (typeof message.content === 'string' && message.content !== '') content.push(textPart(message.content));
  if (typeof message.refusal === 'string' && message.refusal !== '') content.push(refusalPart(message.refusal));
  if (content.length > 0) {
    output.push({ type: 'message', id: newId('msg'), status: status === 'completed' ? 'completed' : 'incomplete', role: 'assistant', content });
  }
  for (const tc of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    const fn = tc?.function ?? {};
    output.push(
      callItem(
        { id: newId('fc'), callId: String(tc?.id ?? newId('call')), chatName: String(fn.name ?? ''), arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}) },
        ctx.origins,
        status === 'completed' ? 'completed' : 'incomplete',
      ),
    );
  }
  const echo = typeof chat.model === 'string' && chat.model !== '' ? { ...ctx.echo, model: chat.model } : ctx.echo;
  return responseObject(echo, {
    id: ctx.id ?? newId('resp'),
    created_at: typeof chat.created === 'number' ? chat.created : Math.floor(Date.now() / 1000),
    status,
    incomplete_details,
    output,
    usage: usageFromChat(chat.usage),
  });
}
