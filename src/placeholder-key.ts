/**
 * Provider keys that are not secrets: the placeholders local servers take (vLLM's `EMPTY`, Ollama's `ollama`,
 * llama.cpp's `sk-no-key-required`, ...). Such a key is sent upstream as it is but kept out of `config.secrets`,
 * since redacting a word like `none` or `ollama` would blank it out of every answer and log line
 * (docs/configuration.md, "Placeholder keys for local servers").
 */

/** Keys that local servers' docs tell users to set, compared case-insensitively. */
export const PLACEHOLDER_KEYS: readonly string[] = [
  'empty',
  'none',
  'null',
  'dummy',
  'unused',
  'placeholder',
  'no-key',
  'nokey',
  'not-needed',
  'ollama',
  'lm-studio',
  'lmstudio',
  'sk-no-key-required',
  'sk-dummy',
];

/** How a provider key is taken: a secret (redacted everywhere), a known placeholder, a short key of a local server, or refused. */
export type ProviderKeyKind = 'secret' | 'placeholder' | 'local' | 'too-short';

/**
 * A host that is this machine or a private network: `localhost` and `*.localhost`, a name without a dot (a
 * Docker Compose service such as `ollama`), `*.local`, `*.internal` (`host.docker.internal`), IPv4 loopback,
 * private and link-local ranges, IPv6 loopback, unique-local and link-local addresses.
 */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h.includes(':')) return h === '::1' || /^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  return h === 'localhost' || !h.includes('.') || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal');
}

/**
 * The rule for a provider key: a known placeholder is never a secret; a key shorter than `minLength` is a
 * placeholder when the provider's base URL is local or private (`baseUrl` undefined: the provider has no URL),
 * and refused otherwise; any other key is a secret.
 */
export function providerKeyKind(key: string, baseUrl: string | undefined, minLength: number): ProviderKeyKind {
  if (PLACEHOLDER_KEYS.includes(key.toLowerCase())) return 'placeholder';
  if (key.length >= minLength) return 'secret';
  return baseUrl !== undefined && isPrivateHost(new URL(baseUrl).hostname) ? 'local' : 'too-short';
}
