/**
 * Before any test: the Worker is built once (scripts/build-worker.mjs, what wrangler.toml's `[build]` runs), so
 * that the `wrangler dev` every workerd test starts finds it up to date and leaves it as it is, instead of several
 * builds at once rewriting the file a running Worker was loaded from.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '../scripts/build-worker.mjs')], { stdio: 'inherit' });
}
