#!/usr/bin/env node
/**
 * The `mini-llm-gateway` command: `serve` (default), `models [--check] [--json]`, `--help`, `--version`.
 * Exit codes: 0 ok; 1 invalid configuration, a failed check or a start-up failure; 2 a bad command line.
 * The pure parts live in src/cli/; this file does the I/O.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, PROGRAM, USAGE, usageHint, UsageError, type CliArgs } from './cli/args.js';
import { runCheck } from './cli/check.js';
import { aliasRows, aliasTableJson, checkFailed, checkJson, renderAliasTable, renderCheck } from './cli/models.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { loadDotEnv } from './node/env.js';
import { startNode } from './node/start.js';
import { createNodeUpstreamFetch } from './node/upstream-client.js';
import { redact } from './upstream.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

async function models(args: CliArgs): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`mini-llm gateway: invalid configuration: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const rows = aliasRows(config);
  if (!args.check) {
    process.stdout.write(args.json ? aliasTableJson(rows) : renderAliasTable(rows));
    return 0;
  }
  const results = await runCheck(config, rows);
  const out = args.json ? checkJson(results) : renderCheck(results);
  // A last line of defence: every secret, however short.
  process.stdout.write(redact(out, config.secrets, 1));
  return checkFailed(results) ? 1 : 0;
}

async function main(argv: readonly string[]): Promise<number | undefined> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(usageHint(err.message));
      return 2;
    }
    throw err;
  }
  if (args.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.command === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }

  try {
    loadDotEnv();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    process.stderr.write(`${PROGRAM}: cannot read .env${typeof code === 'string' ? ` (${code})` : ''}\n`);
    return 1;
  }

  if (args.command === 'models') return models(args);

  const overrides: { port?: number; host?: string } = {};
  if (args.port !== undefined) overrides.port = args.port;
  if (args.host !== undefined) overrides.host = args.host;
  await startNode(process.env, overrides, { fetch: createNodeUpstreamFetch() });
  return undefined; // serving: the shutdown handlers decide when to exit
}

try {
  const code = await main(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
} catch (err) {
  // Never a stack trace: one line, the message only.
  const e = err as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  process.exitCode = 1;
}
