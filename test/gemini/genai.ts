/**
 * The real `@google/genai` SDK, from test/clients (installed beside Gemini CLI, which pins the same version; the
 * gateway's own dependencies stay free of it). Absent: the SDK suites are skipped, except on CI, where they fail.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SDK = join(ROOT, 'test/clients/node_modules/@google/genai/dist/node/index.mjs');

export const genaiInstalled = existsSync(SDK);

/** The SDK's module (its `GoogleGenAI`, `ApiError`, ...); untyped here, as test/clients is not type-checked. */
export const loadGenAI = (): Promise<any> => import(pathToFileURL(SDK).href);

/** The skip notice, or on CI a failing test that says what to install. */
export function requireGenAI(file: string): void {
  if (genaiInstalled) return;
  if (!process.env.CI) console.warn(`${file} skipped: @google/genai is not installed (run \`cd test/clients && npm ci\`).`);
  describe.runIf(process.env.CI)('@google/genai on CI', () => {
    it('is installed in test/clients', () => {
      throw new Error('test/clients/node_modules/@google/genai is missing: CI must run `(cd test/clients && npm ci --no-audit --no-fund)` first.');
    });
  });
}
