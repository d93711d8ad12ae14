/** response_format → output_config.format or the forced JSON tool, per family (ANTHROPIC-FIDELITY.md §1). */
import { describe, expect, it } from 'vitest';
import { toAnthropicRequest } from '../../src/providers/anthropic/request.js';
import { JSON_TOOL_NAME, transformJsonSchema } from '../../src/providers/anthropic/structured-output.js';
import { thrown } from '../helpers.js';

const hi = [{ role: 'user', content: 'hi' }];
const conv = (model: string, extra: Record<string, unknown>) => toAnthropicRequest({ model: 'alias', messages: hi, ...extra }, model);
const person = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name', 'age'] };
const jsonSchema = (schema: unknown = person) => ({ type: 'json_schema', json_schema: { name: 'person', strict: true, schema } });

describe('transformJsonSchema (as @anthropic-ai/sdk transformJSONSchema)', () => {
  it.each<{ row: string; in: unknown; out: unknown }>([
    {
      row: 'objects get additionalProperties:false, unsupported keywords move into description',
      in: person,
      out: {
        type: 'object',
        properties: { name: { type: 'string' }, age: { type: 'integer', description: '{minimum: 0}' } },
        additionalProperties: false,
        required: ['name', 'age'],
      },
    },
    {
      row: 'additionalProperties:true is overridden',
      in: { type: 'object', properties: {}, additionalProperties: true },
      out: { type: 'object', properties: {}, additionalProperties: false },
    },
    { row: 'oneOf → anyOf', in: { oneOf: [{ type: 'string' }, { type: 'null' }] }, out: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
    { row: 'supported string format kept', in: { type: 'string', format: 'date' }, out: { type: 'string', format: 'date' } },
    { row: 'unsupported format → description', in: { type: 'string', format: 'binary', description: 'd' }, out: { type: 'string', description: 'd\n\n{format: "binary"}' } },
    { row: 'minItems 1 kept, maxItems moved', in: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 }, out: { type: 'array', items: { type: 'string' }, minItems: 1, description: '{maxItems: 3}' } },
    { row: 'minItems 2 moved', in: { type: 'array', items: { type: 'number' }, minItems: 2 }, out: { type: 'array', items: { type: 'number' }, description: '{minItems: 2}' } },
    { row: 'enum replaces type', in: { type: 'string', enum: ['a', 'b'] }, out: { enum: ['a', 'b'] } },
    {
      row: '$defs and $ref kept, $schema dropped',
      in: { $schema: 'http://json-schema.org/draft-07/schema#', $defs: { p: person }, type: 'object', properties: { p: { $ref: '#/$defs/p' } } },
      out: {
        $defs: { p: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', description: '{minimum: 0}' } }, additionalProperties: false, required: ['name', 'age'] } },
        type: 'object',
        properties: { p: { $ref: '#/$defs/p' } },
        additionalProperties: false,
      },
    },
    { row: 'nullable type arrays keep their object handling', in: { type: ['object', 'null'], properties: {} }, out: { type: ['object', 'null'], properties: {}, additionalProperties: false } },
  ])('$row', ({ in: input, out }) => expect(transformJsonSchema(input)).toEqual(out));

  it('does not modify its input', () => {
    const input = structuredClone(person);
    transformJsonSchema(input);
    expect(input).toEqual(person);
  });

  it('a node without a type is a 400', () => {
    expect(thrown(() => transformJsonSchema({ type: 'object', properties: { x: {} } })).code).toBe('invalid_response_format');
  });
});

describe('response_format per family', () => {
  it.each(['claude-sonnet-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-5', 'claude-sonnet-4-6', 'claude-opus-4-6', 'claude-opus-4-7', 'claude-next-1'])(
    '%s: json_schema → output_config.format (native), no tool',
    (model) => {
      const out = conv(model, { response_format: jsonSchema() });
      expect(out.output_config).toEqual({ format: { type: 'json_schema', schema: transformJsonSchema(person) } });
      expect(out).not.toHaveProperty('tools');
      expect(out).not.toHaveProperty('response_format');
    },
  );

  it('native format and effort share output_config', () => {
    expect(conv('claude-sonnet-4-6', { response_format: jsonSchema(), reasoning_effort: 'low' }).output_config).toEqual({
      effort: 'low',
      format: { type: 'json_schema', schema: transformJsonSchema(person) },
    });
  });

  it('legacy model: json_schema → the forced JSON tool with the schema as it is', () => {
    const out = conv('claude-sonnet-4-20250514', { response_format: jsonSchema() });
    expect(out.tools).toEqual([{ name: JSON_TOOL_NAME, description: expect.any(String), input_schema: person }]);
    expect(out.tool_choice).toEqual({ type: 'tool', name: JSON_TOOL_NAME, disable_parallel_tool_use: true });
    expect(out).not.toHaveProperty('output_config');
  });

  it.each(['claude-sonnet-4-20250514', 'claude-haiku-4-5', 'claude-sonnet-4-6'])('%s: json_object → the forced JSON tool, any object', (model) => {
    const out = conv(model, { response_format: { type: 'json_object' } });
    expect(out.tools).toEqual([{ name: JSON_TOOL_NAME, description: expect.any(String), input_schema: { type: 'object', additionalProperties: true } }]);
    expect(out.tool_choice).toEqual({ type: 'tool', name: JSON_TOOL_NAME, disable_parallel_tool_use: true });
  });

  it('with client tools the fallback forces some tool (any), or the one the client named', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
    const any = conv('claude-haiku-4-5', { response_format: { type: 'json_object' }, tools });
    expect((any.tools as { name: string }[]).map((t) => t.name)).toEqual(['f', JSON_TOOL_NAME]);
    expect(any.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    const named = conv('claude-haiku-4-5', { response_format: { type: 'json_object' }, tools, tool_choice: { type: 'function', function: { name: 'f' } } });
    expect(named.tool_choice).toEqual({ type: 'tool', name: 'f' });
    const none = conv('claude-haiku-4-5', { response_format: { type: 'json_object' }, tools, tool_choice: 'none' });
    expect(none.tool_choice).toEqual({ type: 'tool', name: JSON_TOOL_NAME, disable_parallel_tool_use: true });
  });

  it.each<{ row: string; model: string; body: Record<string, unknown>; message: RegExp }>([
    { row: 'json_object with thinking on', model: 'claude-sonnet-4-6', body: { response_format: { type: 'json_object' }, reasoning_effort: 'low' }, message: /thinking is on.*json_schema/ },
    { row: 'json_object on a model that rejects forced tools', model: 'claude-opus-4-7', body: { response_format: { type: 'json_object' } }, message: /does not allow forced tool use/ },
    { row: 'legacy json_schema with thinking', model: 'claude-sonnet-4-20250514', body: { response_format: jsonSchema(), reasoning_effort: 'low' }, message: /no native structured outputs/ },
    { row: 'legacy json_schema with a non-object root', model: 'claude-sonnet-4-20250514', body: { response_format: jsonSchema({ type: 'array', items: { type: 'string' } }) }, message: /object schema/ },
    { row: 'unknown type', model: 'claude-sonnet-4-6', body: { response_format: { type: 'yaml' } }, message: /not supported/ },
    { row: 'json_schema without a schema', model: 'claude-sonnet-4-6', body: { response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, message: /schema/ },
  ])('400: $row', ({ model, body, message }) => {
    const err = thrown(() => conv(model, body));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(message);
  });

  it('text is no format at all', () => {
    const out = conv('claude-sonnet-4-6', { response_format: { type: 'text' } });
    expect(out).not.toHaveProperty('output_config');
    expect(out).not.toHaveProperty('tools');
  });

  it('a client tool named like the JSON tool is refused', () => {
    const tools = [{ type: 'function', function: { name: JSON_TOOL_NAME } }];
    expect(thrown(() => conv('claude-sonnet-4-6', { tools })).message).toMatch(/reserved/);
  });

  it('strict tools: strict:true and the acceptable schema where the model has structured outputs; dropped before', () => {
    const tools = [{ type: 'function', function: { name: 'f', strict: true, parameters: person } }];
    expect(conv('claude-sonnet-4-6', { tools }).tools).toEqual([{ name: 'f', input_schema: transformJsonSchema(person), strict: true }]);
    expect(conv('claude-sonnet-4-20250514', { tools }).tools).toEqual([{ name: 'f', input_schema: person }]);
  });
});
