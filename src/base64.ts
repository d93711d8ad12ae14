/**
 * Base64 over bytes with the platform's `btoa` / `atob` (every runtime has them): bytes go through a binary string
 * a bounded slice at a time (no argument list as long as the data, whatever its size).
 */

/** Bytes turned into a binary string this many at a time. */
const SLICE = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += SLICE) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + SLICE) as unknown as number[]);
  return btoa(binary);
}

/** The bytes of base64 text; throws on text that is not base64. */
export const base64ToBytes = (b64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
