/** src/base64.ts against Node's Buffer: sizes around and past one slice, every byte value. */
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../src/base64.js';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

describe('base64', () => {
  it.each([0, 1, 2, 3, 255, 256, 0x8000 - 1, 0x8000, 0x8000 * 3 + 5])('%i bytes round-trip as Buffer encodes them', (n) => {
    const b = bytes(n);
    const text = bytesToBase64(b);
    expect(text).toBe(Buffer.from(b).toString('base64'));
    expect(base64ToBytes(text)).toEqual(b);
  });

  it('refuses text that is not base64', () => {
    expect(() => base64ToBytes('not base64!')).toThrow();
  });
});
