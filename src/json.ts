/** JSON as the translators read it: one object type and its test, shared by every dialect and provider kind. */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string, or '' for anything else. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A finite number, or 0 for anything else (a count the provider may leave out). */
export const finiteNumber = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** A finite number above 0, or 0 for anything else (a count no client may see negative). */
export const positiveNumber = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
