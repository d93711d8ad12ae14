/** JSON as the translators read it: one object type and its test, shared by every dialect and provider kind. */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
