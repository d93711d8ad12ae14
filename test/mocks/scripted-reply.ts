/**
 * What the loopback mocks' "model" answers, decided from the conversation the way a model would act on it:
 * a tool result in the conversation → a text answer quoting it; tools offered (and not refused, and the user
 * did not ask for an answer "without tools") → a call to
 * one of them with arguments that fit its schema; a JSON schema asked for → a JSON object that fits it;
 * otherwise the fixtures' sentence. The same decision serves every wire format (chat, Responses).
 */

type Json = Record<string, any>;

export interface OfferedTool {
  name: string;
  parameters?: Json;
}

export interface Conversation {
  tools: OfferedTool[];
  /** tool_choice said "none". */
  toolsRefused: boolean;
  /** The last input was a tool's result: its text. */
  toolResult?: string;
  /** The last user message's text: one that says "without tools" gets text even when tools are offered. */
  prompt?: string;
  /** The JSON schema the answer must follow (structured output). */
  schema?: Json;
}

export interface Reply {
  text?: string;
  reasoning?: string;
  call?: { name: string; arguments: string };
}

export const PLAIN_TEXT = 'The capital of France is Paris.';

/** Tools a mock prefers to call when several are offered (the Agents SDK's test tool, Codex's shell tools). */
const PREFERRED = ['get_weather', 'shell', 'exec_command', 'shell_command', 'local_shell'];

/** A value that fits a JSON schema (the few forms tools and structured outputs use). */
export function sample(schema: Json | undefined, key = ''): unknown {
  if (!schema || typeof schema !== 'object') return 'Paris';
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf[0], key);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Json = {};
      const props: Json = schema.properties ?? {};
      const keys = Array.isArray(schema.required) && schema.required.length > 0 ? schema.required : Object.keys(props);
      for (const k of keys) out[k] = sample(props[k], k);
      return out;
    }
    case 'array':
      return key === 'command' ? ['echo', 'mock-tool-ran'] : [sample(schema.items, key)];
    case 'integer':
    case 'number':
      return 18;
    case 'boolean':
      return true;
    default:
      return key === 'cmd' || key === 'command' ? 'echo mock-tool-ran' : 'Paris';
  }
}

export function decide(c: Conversation): Reply {
  if (c.toolResult !== undefined) return { text: `The tool answered: ${c.toolResult.trim()}` };
  if (c.tools.length > 0 && !c.toolsRefused && !/without tools/i.test(c.prompt ?? '')) {
    const tool = PREFERRED.map((n) => c.tools.find((t) => t.name === n)).find(Boolean) ?? c.tools[0];
    return { call: { name: tool.name, arguments: JSON.stringify(sample(tool.parameters ?? { type: 'object', properties: {} })) } };
  }
  if (c.schema) return { text: JSON.stringify(sample(c.schema)) };
  return { text: PLAIN_TEXT };
}
