/**
 * OpenAI chat request → Gemini `generateContent` request. Pure: reads the client body, returns a new object;
 * throws GatewayError (400) for what Gemini cannot express. Built field by field (an allowlist): Gemini refuses
 * unknown fields, so an OpenAI field with no equivalent (`logit_bias`, `parallel_tool_calls`, `user`, ...) is not
 * sent; Gemini's own `safetySettings`, `cachedContent` and `generationConfig` (merged over the mapped one) are
 * passed on for clients that know them.
 * Tool parameters go as `parametersJsonSchema` and structured outputs as `responseJsonSchema`: the client's JSON
 * Schema unchanged (Gemini's `parameters` / `responseSchema` take only an OpenAPI subset and refuse the request
 * over one unknown keyword).
 * @see https://ai.google.dev/api/generate-content
 */
import { invalidRequest } from '../../errors.js';
import { functionTools, jsonFormat, maxTokens, stopList, toolChoice } from '../chat-request.js';
import type { ChatBody } from '../types.js';
import { toContents } from './contents.js';
import { isGemini3, thinkingConfig } from './models.js';
import { isObject as isJsonObject } from '../../json.js';

type Json = Record<string, any>;

/** The shared test, typed for this module's loose `Json`. */
const isObject = isJsonObject as (v: unknown) => v is Json;

export function toGeminiRequest(body: ChatBody, model: string): Json {
  if (!Array.isArray(body.messages)) throw invalidRequest('invalid_messages', 'The request body needs a "messages" array.', 'messages');
  if (typeof body.n === 'number' && body.n > 1) throw invalidRequest('unsupported_parameter', 'Gemini models answer with one choice here: "n" must be 1.', 'n');
  const { system, contents } = toContents(body.messages, { signedCalls: isGemini3(model) });
  const out: Json = { contents };
  if (system.length > 0) out.systemInstruction = { parts: system };
  const tools = functionDeclarations(body.tools);
  if (tools) {
    out.tools = [{ functionDeclarations: tools }];
    const config = functionCallingConfig(body.tool_choice);
    if (config) out.toolConfig = { functionCallingConfig: config };
  }
  const generation = { ...generationConfig(body, model), ...(isObject(body.generationConfig) ? body.generationConfig : {}) };
  if (Object.keys(generation).length > 0) out.generationConfig = generation;
  if (body.safetySettings !== undefined) out.safetySettings = body.safetySettings;
  if (body.cachedContent !== undefined) out.cachedContent = body.cachedContent;
  return out;
}

function generationConfig(body: ChatBody, model: string): Json {
  const out: Json = {};
  const max = maxTokens(body);
  if (max !== undefined) out.maxOutputTokens = max;
  const numbers: [string, string][] = [
    ['temperature', 'temperature'],
    ['top_p', 'topP'],
    ['top_k', 'topK'],
    ['seed', 'seed'],
    ['presence_penalty', 'presencePenalty'],
    ['frequency_penalty', 'frequencyPenalty'],
  ];
  for (const [from, to] of numbers) if (typeof body[from] === 'number') out[to] = body[from];
  const stops = stopList(body.stop);
  if (stops.length > 0) out.stopSequences = stops;
  const format = jsonFormat(body.response_format);
  if (format) out.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') out.responseJsonSchema = format.schema;
  const thinking = thinkingConfig(body.reasoning_effort, model);
  if (thinking) out.thinkingConfig = thinking;
  return out;
}

/** Chat function tools → `functionDeclarations` (undefined when there are none). */
function functionDeclarations(tools: unknown): Json[] | undefined {
  return functionTools(tools, 'Gemini')?.map((fn) => {
    const out: Json = { name: fn.name };
    if (typeof fn.description === 'string') out.description = fn.description;
    // `{}` (a function without parameters, as some clients write it) is no schema: Gemini wants an object schema.
    if (isObject(fn.parameters) && Object.keys(fn.parameters).length > 0) out.parametersJsonSchema = fn.parameters;
    return out;
  });
}

function functionCallingConfig(choice: unknown): Json | undefined {
  const c = toolChoice(choice);
  if (c === undefined) return undefined;
  if (typeof c === 'object') return { mode: 'ANY', allowedFunctionNames: [c.name] };
  return { mode: c === 'required' ? 'ANY' : c.toUpperCase() };
}
