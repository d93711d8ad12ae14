/**
 * Output items built from chat pieces, shared by the whole answer and the stream: a chat tool call becomes a
 * `function_call` item, or a `custom_tool_call` item for a custom tool, with its namespace when it had one.
 */
import type { ToolOrigins } from './request.js';

type Json = Record<string, any>;

/** A custom tool's chat arguments (`{"input": "..."}`) → its raw input (the raw text if they are not that). */
export function customInput(args: string): string {
  try {
    const v = JSON.parse(args);
    if (typeof v?.input === 'string') return v.input;
  } catch {
    // not JSON: the model wrote the input as it is
  }
  return args;
}

export interface CallPiece {
  id: string;
  callId: string;
  chatName: string;
  arguments: string;
}

export const isCustom = (chatName: string, origins: ToolOrigins) => origins.get(chatName)?.kind === 'custom';

/** The finished item for one tool call (`status` as the call's: completed, or in_progress while streaming). */
export function callItem(p: CallPiece, origins: ToolOrigins, status: 'in_progress' | 'completed' | 'incomplete' = 'completed'): Json {
  const origin = origins.get(p.chatName);
  const ns = origin?.namespace !== undefined ? { namespace: origin.namespace } : {};
  const name = origin?.name ?? p.chatName;
  if (origin?.kind === 'custom') {
    return { type: 'custom_tool_call', id: p.id, call_id: p.callId, ...ns, name, input: status === 'in_progress' ? '' : customInput(p.arguments) };
  }
  return { type: 'function_call', id: p.id, call_id: p.callId, ...ns, name, arguments: p.arguments, status };
}

export const textPart = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] });
export const refusalPart = (refusal: string) => ({ type: 'refusal', refusal });

/** A reasoning item: its text as the summary, and signed thinking blocks as `encrypted_content` when asked for. */
export const reasoningItem = (id: string, text: string, status?: 'in_progress' | 'completed', encrypted?: string) => ({
  type: 'reasoning',
  id,
  summary: text === '' ? [] : [{ type: 'summary_text', text }],
  ...(encrypted !== undefined ? { encrypted_content: encrypted } : {}),
  ...(status ? { status } : {}),
});
