/** A chat client's side of a streamed answer: the assistant message it keeps, built delta by delta. */
type Json = Record<string, any>;

/**
 * Add one streamed delta to the assistant message a client keeps (`m` starts with content '', reasoning_details []
 * and tool_calls []): content appended, reasoning_details entries whole, tool calls by index (id and name as they
 * come, arguments appended), as the openai SDK and agents assemble them.
 */
export function addChatDelta(m: Json, d: Json): void {
  m.content += d.content ?? '';
  m.reasoning_details.push(...(d.reasoning_details ?? []));
  for (const tc of d.tool_calls ?? []) {
    const slot = (m.tool_calls[tc.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
    if (tc.id) slot.id = tc.id;
    if (tc.function?.name) slot.function.name = tc.function.name;
    slot.function.arguments += tc.function?.arguments ?? '';
  }
}
