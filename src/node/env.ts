/** `.env` in the working directory, read with Node's own loader when present (it never overrides the environment). */
import { existsSync } from 'node:fs';

export function loadDotEnv(path = '.env'): boolean {
  if (!existsSync(path) || typeof process.loadEnvFile !== 'function') return false;
  process.loadEnvFile(path);
  return true;
}
