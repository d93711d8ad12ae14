/** The synchronous SHA-256 (src/providers/anthropic/thinking-cache.ts) against node:crypto: its computed constants included. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/providers/anthropic/thinking-cache.js';

const inputs: Array<[string, string]> = [
  ['empty', ''],
  ['abc (FIPS 180-4 example)', 'abc'],
  ['55 bytes: the padding fits one block', 'a'.repeat(55)],
  ['56 bytes: the padding needs a second block', 'a'.repeat(56)],
  ['64 bytes', 'b'.repeat(64)],
  ['448-bit FIPS example', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'],
  ['multi-byte UTF-8', 'clé-😀-ключ'.repeat(9)],
  ['a long key', 'sk-'.padEnd(10_000, 'x0')],
];

describe('sha256Hex', () => {
  it.each(inputs)('%s', (_name, text) => {
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});
