/** Checks for keys leaking in pieces (issue 20, item 4), and requests on every model route against the leaky provider. */
import { GATEWAY_KEYS, LEAKY_KEYS } from './mocks/leaky-upstream.js';

/** The first 8-character piece of any key found in `text` (compared lowercased), or undefined. */
export function keyPiece(text: string, keys: readonly string[] = LEAKY_KEYS, size = 8): string | undefined {
  const lower = text.toLowerCase();
  for (const key of keys) {
    const k = key.toLowerCase();
    for (let i = 0; i + size <= k.length; i++) if (lower.includes(k.slice(i, i + size))) return key.slice(i, i + size);
  }
  return undefined;
}

/** Status, every header (name and value) and the body of an answer, as one text to search. */
export const everything = async (res: Response) => ({ status: res.status, headers: res.headers, text: `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${await res.text()}` });

const auth = { authorization: `Bearer ${GATEWAY_KEYS[0]}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
const user = [{ role: 'user', content: 'hi' }];

/** Every model route, pass-through and translated, for a scenario model name. */
export const ROUTES = [
  ['/v1/chat/completions', 'leaky', (model: string) => ({ model, messages: user })],
  ['/v1/chat/completions', 'leaky-claude', (model: string) => ({ model, messages: user })],
  ['/v1/messages', 'leaky', (model: string) => ({ model, max_tokens: 16, messages: user })],
  ['/v1/messages', 'leaky-claude', (model: string) => ({ model, max_tokens: 16, messages: user })],
  ['/v1/responses', 'leaky', (model: string) => ({ model, input: 'hi' })],
  ['/v1/responses', 'leaky-claude', (model: string) => ({ model, input: 'hi' })],
  ['/v1/embeddings', 'leaky', (model: string) => ({ model, input: 'hi' })],
] as const;

export const post = (url: string, path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });

/** The error message in `everything`'s text of an error answer, in either shape (OpenAI's and Anthropic's `error.message`). */
export const messageOf = (text: string) => JSON.parse(text.slice(text.indexOf('\n\n') + 2)).error.message as string;

