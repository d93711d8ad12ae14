/**
 * How deep a JSON text nests, found without parsing it: one pass that skips strings (with `indexOf`, so a long
 * message costs a native search, not a loop per character) and counts brackets. Used to refuse a body nested
 * too deep before JSON.parse or JSON.stringify (both recursive on some runtimes) can overflow the stack.
 */

/**
 * How deep JSON carried inside a string (a tool call's `arguments`, a Responses `encrypted_content`) may nest
 * once parsed: as deep as a body may by default (MINI_LLM_MAX_JSON_DEPTH). Deeper, and serializing it again for
 * the provider would overflow the stack.
 */
export const MAX_EMBEDDED_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/** True when `text` opens more than `max` nested objects or arrays (outside strings). Invalid JSON is left to JSON.parse. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  // Nesting deeper than `max` needs more than `max` characters.
  if (text.length <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the quote that ends this string: one not preceded by an odd number of backslashes.
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return false;
        let k = end - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        i = end;
        if ((end - 1 - k) % 2 === 0) break;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > max) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return false;
}
