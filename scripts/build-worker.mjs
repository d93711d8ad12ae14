#!/usr/bin/env node
/**
 * The Cloudflare Worker's build (wrangler.toml `[build]`: `wrangler dev` and `wrangler deploy` run it): esbuild
 * bundles src/worker.ts with wrangler's own options, then terser minifies the bundle. wrangler uploads the result
 * as it is (`no_bundle`). Terser's compression and renaming after esbuild's minifier make the bundle about 2.8 KB
 * gzip smaller than esbuild's alone (docs/performance.md, "The Worker bundle").
 *
 * The output changes only when the bundle does: a build with nothing new (every `wrangler dev` a test starts runs
 * this) leaves dist-worker/ untouched, so a running `wrangler dev` is not reloaded, and it skips terser.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist-worker');
const worker = join(out, 'worker.js');
/** What the last terser run took (this script, the tools' versions, esbuild's output): the same again, it is up to date. */
const stamp = join(out, '.build-input');

const bundled = await build({
  entryPoints: [join(root, 'src/worker.ts')],
  bundle: true,
  write: false,
  outfile: worker,
  // As wrangler bundles (its COMMON_ESBUILD_OPTIONS and build conditions), minified. Function names are not kept
  // (keepNames wraps every function in a naming call: about 4 KB gzip); the gateway never reads a function's or
  // class's name (its errors set `name` themselves).
  format: 'esm',
  target: 'es2024',
  conditions: ['workerd', 'worker', 'browser'],
  minify: true,
  keepNames: false,
  sourcemap: 'external',
  sourcesContent: false,
  logLevel: 'warning',
});
const code = bundled.outputFiles.find((f) => f.path.endsWith('.js')).text;
const map = bundled.outputFiles.find((f) => f.path.endsWith('.map')).text;

const versions = ['esbuild', 'terser'].map((name) => `${name} ${createRequire(import.meta.url)(`${name}/package.json`).version}`);
const input = `${readFileSync(fileURLToPath(import.meta.url), 'utf8')}\n${versions.join('\n')}\n${code}`;
if (existsSync(worker) && existsSync(stamp) && readFileSync(stamp, 'utf8') === input) process.exit(0);

const min = await minify(code, {
  module: true,
  ecma: 2020,
  compress: { passes: 3 },
  mangle: true,
  sourceMap: { content: map, url: 'worker.js.map' },
});

/** Written whole, then renamed: a `wrangler dev` starting meanwhile never reads half a file. */
const put = (file, text) => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
};
mkdirSync(out, { recursive: true });
put(join(out, 'worker.js.map'), min.map);
put(worker, min.code);
put(stamp, input);
