/**
 * The Worker's build (scripts/build-worker.mjs, wrangler.toml's `[build]`): what wrangler uploads as built, and a
 * build with nothing new leaves it untouched (every `wrangler dev` a test starts runs it; a rewrite would reload
 * the Workers already running).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const build = () => execFileSync(process.execPath, [join(ROOT, 'scripts/build-worker.mjs')], { cwd: ROOT });
const worker = join(ROOT, 'dist-worker/worker.js');

describe('the Worker build', () => {
  it('wrangler uploads the built file as it is', () => {
    const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
    expect(toml).toMatch(/^main = "dist-worker\/worker\.js"$/m);
    expect(toml).toMatch(/^no_bundle = true$/m);
    expect(toml).toMatch(/^command = "node scripts\/build-worker\.mjs"$/m);
  });

  it('is an ES module with a default export, and no Node-only code', () => {
    build();
    const code = readFileSync(worker, 'utf8');
    expect(code).toMatch(/export\s*\{\s*\w+ as default\s*\}/);
    expect(code).not.toMatch(/from\s*"node:|require\("node:|undici/);
  });

  it('a second build with nothing new leaves the output untouched', () => {
    build();
    const before = statSync(worker).mtimeMs;
    const text = readFileSync(worker, 'utf8');
    build();
    expect(statSync(worker).mtimeMs).toBe(before);
    expect(readFileSync(worker, 'utf8')).toBe(text);
  });
});
