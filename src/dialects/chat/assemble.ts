/**
 * A chat SSE stream → the one `chat.completion` it stands for: for a provider that answered a request without
 * `stream: true` with an event stream, so that the client still gets the whole answer it asked for (the opposite
 * of `completionAsChunks` in dialects/pivot.ts). Per choice: text, refusal, reasoning (`reasoning_content` and
 * `reasoning` kept apart, as sent), signed `thinking_blocks`, `reasoning_details` (fragments of one entry merged,
 * reasoning-state.ts), tool calls by their `index` (arguments joined, `extra_content` kept),
 * logprobs, the finish reason (and vLLM's `stop_reason`, Anthropic's `stop_details`); the answer's usage. An
 * error frame makes the answer that error (`{error}`, no choices). The caller bounds the stream's size
 * (MINI_LLM_MAX_ANSWER_BYTES), which bounds what this keeps.
 */
import { sseTransform } from '../../sse.js';
import { parseChunk, toolCallKeys } from '../chat-chunk.js';
import { ReasoningCollector } from '../reasoning-state.js';

type Json = Record<string, any>;

interface ToolCallParts {
  id: string;
  name: string;
  args: string[];
  /** Its `extra_content` (Gemini's thought signature), as the first fragment that had one sent it. */
  extra?: unknown;
}

interface ChoiceParts {
  role: string;
  content: string[] | undefined;
  refusal: string[] | undefined;
  reasoningContent: string[] | undefined;
  reasoning: string[] | undefined;
  thinkingBlocks: unknown[];
  /** `reasoning_details` entries (the answer's size is bounded by the caller, so no bound of its own). */
  details: ReasoningCollector;
  /** By the chat `index` (or a key of ours for upstreams that omit it), in order of appearance. */
  toolCalls: Map<number, ToolCallParts>;
  keyOf: (tc: Json) => number;
  logprobs: unknown[] | undefined;
  finish: unknown;
  stopReason: unknown;
  stopDetails: unknown;
}

export interface ChatAssembler {
  /** One event's `data` (a chunk's JSON, or `[DONE]`). Throws on a chunk that is not JSON. */
  event(data: string): void;
  /** `[DONE]` or an error frame came: later events are ignored. */
  readonly ended: boolean;
  /** The answer is whole: it ended, or some choice has its finish reason (some upstreams send no `[DONE]`). */
  readonly complete: boolean;
  /** The `chat.completion` (or `{error}`) assembled so far. */
  result(): Json;
}

const newChoice = (): ChoiceParts => ({
  role: 'assistant',
  content: undefined,
  refusal: undefined,
  reasoningContent: undefined,
  reasoning: undefined,
  thinkingBlocks: [],
  details: new ReasoningCollector({ hold() {} }),
  toolCalls: new Map(),
  keyOf: toolCallKeys(),
  logprobs: undefined,
  finish: null,
  stopReason: undefined,
  stopDetails: undefined,
});

const append = (parts: string[] | undefined, piece: unknown): string[] | undefined => {
  if (typeof piece !== 'string') return parts;
  if (parts) parts.push(piece);
  else parts = [piece];
  return parts;
};

export function createChatAssembler(): ChatAssembler {
  const head: Json = {};
  const choices = new Map<number, ChoiceParts>();
  let usage: unknown;
  let error: unknown;
  let ended = false;
  let finished = false;

  const toolDelta = (choice: ChoiceParts, tc: Json) => {
    const key = choice.keyOf(tc);
    let call = choice.toolCalls.get(key);
    if (!call) {
      call = { id: '', name: '', args: [] };
      choice.toolCalls.set(key, call);
    }
    const fn = (tc.function ?? {}) as Json;
    if (typeof tc.id === 'string' && tc.id !== '' && call.id === '') call.id = tc.id;
    if (typeof fn.name === 'string') call.name += fn.name;
    if (typeof fn.arguments === 'string') call.args.push(fn.arguments);
    if (call.extra === undefined && tc.extra_content != null) call.extra = tc.extra_content;
  };

  const choiceDelta = (c: Json) => {
    const index = typeof c.index === 'number' ? c.index : 0;
    let choice = choices.get(index);
    if (!choice) {
      choice = newChoice();
      choices.set(index, choice);
    }
    const delta = (c.delta ?? {}) as Json;
    if (typeof delta.role === 'string' && delta.role !== '') choice.role = delta.role;
    choice.content = append(choice.content, delta.content);
    choice.refusal = append(choice.refusal, delta.refusal);
    choice.reasoningContent = append(choice.reasoningContent, delta.reasoning_content);
    choice.reasoning = append(choice.reasoning, delta.reasoning);
    if (Array.isArray(delta.thinking_blocks)) for (const b of delta.thinking_blocks) choice.thinkingBlocks.push(b);
    choice.details.addDetails(delta.reasoning_details);
    if (Array.isArray(delta.tool_calls)) for (const tc of delta.tool_calls) if (tc && typeof tc === 'object') toolDelta(choice, tc);
    const logprobs = c.logprobs?.content;
    if (Array.isArray(logprobs)) {
      choice.logprobs ??= [];
      for (const l of logprobs) choice.logprobs.push(l);
    }
    if (c.finish_reason != null) {
      choice.finish = c.finish_reason;
      finished = true;
    }
    if (c.stop_reason != null) choice.stopReason = c.stop_reason;
    if (c.stop_details != null) choice.stopDetails = c.stop_details;
  };

  const message = (choice: ChoiceParts): Json => {
    const m: Json = { role: choice.role, content: choice.content ? choice.content.join('') : null, refusal: choice.refusal ? choice.refusal.join('') : null };
    if (choice.reasoningContent) m.reasoning_content = choice.reasoningContent.join('');
    if (choice.reasoning) m.reasoning = choice.reasoning.join('');
    if (choice.thinkingBlocks.length > 0) m.thinking_blocks = choice.thinkingBlocks;
    const details = choice.details.all().reasoning_details;
    if (details) m.reasoning_details = details;
    if (choice.toolCalls.size > 0) {
      m.tool_calls = [...choice.toolCalls.values()].map((t) => ({
        id: t.id,
        type: 'function',
        function: { name: t.name, arguments: t.args.join('') },
        ...(t.extra !== undefined ? { extra_content: t.extra } : {}),
      }));
    }
    return m;
  };

  return {
    get ended() {
      return ended;
    },
    get complete() {
      return ended || finished;
    },
    event(data) {
      if (ended) return;
      if (data === '[DONE]') {
        ended = true;
        return;
      }
      const c = parseChunk(data);
      if (c.error != null) {
        error = c.error;
        ended = true;
        return;
      }
      for (const k of ['id', 'created', 'model', 'system_fingerprint', 'service_tier']) if (head[k] === undefined && c[k] != null) head[k] = c[k];
      if (Array.isArray(c.choices)) for (const ch of c.choices) if (ch && typeof ch === 'object') choiceDelta(ch);
      if (c.usage != null && typeof c.usage === 'object') usage = c.usage;
    },
    result() {
      if (error !== undefined) return { error };
      const out: Json = { id: head.id ?? '', object: 'chat.completion', created: head.created ?? Math.floor(Date.now() / 1000), model: head.model ?? '' };
      if (head.system_fingerprint !== undefined) out.system_fingerprint = head.system_fingerprint;
      if (head.service_tier !== undefined) out.service_tier = head.service_tier;
      out.choices = [...choices.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, choice]) => {
          const c: Json = { index, message: message(choice), logprobs: choice.logprobs ? { content: choice.logprobs, refusal: null } : null, finish_reason: choice.finish ?? 'stop' };
          if (choice.stopReason !== undefined) c.stop_reason = choice.stopReason;
          if (choice.stopDetails !== undefined) c.stop_details = choice.stopDetails;
          return c;
        });
      if (usage !== undefined) out.usage = usage;
      return out;
    },
  };
}

/**
 * Read a chat SSE body to its end and assemble it. Rejects if the body fails, carries a chunk that is not JSON, or
 * ends before the answer is whole (no `[DONE]` and no finish reason).
 */
export async function assembleChatStream(body: ReadableStream<Uint8Array>): Promise<Json> {
  const assembler = createChatAssembler();
  const drained = sseTransform(body, {
    get ended() {
      return assembler.ended;
    },
    endEvent: 'data: [DONE]',
    event(_name, data) {
      assembler.event(data);
      return '';
    },
    finish: () => (assembler.complete ? '' : undefined),
  }).getReader();
  while (!(await drained.read()).done);
  return assembler.result();
}
