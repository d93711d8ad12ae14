/** The Responses API shapes the bench mock sends (a small Response, and its stream of N text deltas). */

export const responsesObject = (status: string, output: unknown[]) => ({
  id: 'resp_bench',
  object: 'response',
  created_at: 1,
  status,
  error: null,
  incomplete_details: null,
  instructions: null,
  model: 'bench',
  output,
  parallel_tool_calls: true,
  tool_choice: 'auto',
  tools: [],
  temperature: 1,
  top_p: 1,
  metadata: {},
  ...(status === 'completed' ? { usage: { input_tokens: 5, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 6 } } : {}),
});

/** created, in_progress, item and part added (2 + 2 events), N deltas, then the done events and completed. */
export function responsesEvents(n: number): string[] {
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const at = { item_id: 'msg_bench', output_index: 0, content_index: 0 };
  const text = Array.from({ length: n }, (_, i) => `c${i} `).join('');
  const part = (t: string) => ({ type: 'output_text', text: t, annotations: [], logprobs: [] });
  const msg = (status: string, content: unknown[]) => ({ type: 'message', id: 'msg_bench', status, role: 'assistant', content });
  const head = [
    ev('response.created', { response: responsesObject('in_progress', []) }) + ev('response.in_progress', { response: responsesObject('in_progress', []) }),
    ev('response.output_item.added', { output_index: 0, item: msg('in_progress', []) }) + ev('response.content_part.added', { ...at, part: part('') }),
  ];
  const deltas = Array.from({ length: n }, (_, i) => ev('response.output_text.delta', { ...at, delta: `c${i} `, logprobs: [] }));
  const tail =
    ev('response.output_text.done', { ...at, text, logprobs: [] }) +
    ev('response.content_part.done', { ...at, part: part(text) }) +
    ev('response.output_item.done', { output_index: 0, item: msg('completed', [part(text)]) }) +
    ev('response.completed', { response: responsesObject('completed', [msg('completed', [part(text)])]) });
  return [...head, ...deltas, tail];
}
