/**
 * Google's native Gemini API as the bench mock answers it (research/GEMINI.md): a `generateContent` answer, and the
 * `:streamGenerateContent?alt=sse` events (no `[DONE]`, cumulative `usageMetadata` on every event, `finishReason`
 * on the last, events separated by CRLF CRLF as Google sends them). Event i carries the text `c{i} `.
 */
const usage = (n: number) => ({ promptTokenCount: 5, candidatesTokenCount: n, totalTokenCount: 5 + n });

export function geminiObject(): unknown {
  return { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage(1), modelVersion: 'bench', responseId: 'bench' };
}

export function geminiEvents(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const candidate: Record<string, unknown> = { content: { role: 'model', parts: [{ text: `c${i} ` }] }, index: 0 };
    if (i === n - 1) candidate.finishReason = 'STOP';
    out.push(`data: ${JSON.stringify({ candidates: [candidate], usageMetadata: usage(i + 1), modelVersion: 'bench', responseId: 'bench' })}\r\n\r\n`);
  }
  return out;
}
