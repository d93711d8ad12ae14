/**
 * The docs stay true to the repository (issue 21): every relative link in README.md and docs/*.md resolves (the
 * file exists, and an `#anchor` names a heading of the target by GitHub's slug rules), and docs/configuration.md
 * documents exactly the environment variables the config loader reads. Those are found from the code, not from
 * a list kept here: `loadConfig` runs on an environment that records every name it looks up, and src/ is
 * scanned for environment reads, so a new variable fails this test until it is documented.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { PLACEHOLDER_KEYS } from '../src/placeholder-key.js';
import { startupWarnings } from '../src/startup.js';
import { ROOT } from './helpers.js';

// ---- Markdown: headings, slugs, links ----

/** The lines of a Markdown text outside fenced code blocks (``` or ~~~), with their line numbers. */
function proseLines(markdown: string): Array<{ line: string; number: number }> {
  const out: Array<{ line: string; number: number }> = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((line, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) out.push({ line, number: i + 1 });
  });
  return out;
}

/** GitHub's heading anchor (github-slugger): the heading's text, lower-cased, punctuation but `-` and `_` dropped, spaces → `-`. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, ''); // inline HTML
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown file has: its headings' slugs, a repeated one suffixed `-1`, `-2`, ... as GitHub does. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { line } of proseLines(markdown)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every link target in a Markdown text's prose (inline links and images, and reference definitions), code spans left out. */
function linkTargets(markdown: string): Array<{ target: string; line: number }> {
  const out: Array<{ target: string; line: number }> = [];
  for (const { line, number } of proseLines(markdown)) {
    const prose = line.replace(/(`+)[\s\S]*?\1/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1]!, line: number });
    const ref = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (ref) out.push({ target: ref[1]!, line: number });
  }
  return out;
}

interface Files {
  read(path: string): string;
  exists(path: string): boolean;
  isFile(path: string): boolean;
}

const realFiles: Files = { read: (p) => readFileSync(p, 'utf8'), exists: existsSync, isFile: (p) => statSync(p).isFile() };

/** What is wrong with each relative link of `file` (a path from `root`): a missing file, a missing anchor, a path outside. */
function brokenLinks(rootDir: string, file: string, fs: Files = realFiles): string[] {
  const root = resolve(rootDir);
  const problems: string[] = [];
  const source = join(root, file);
  for (const { target, line } of linkTargets(fs.read(source))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const resolved = path === '' ? source : resolve(dirname(source), path);
    const where = `${file}:${line}: ${target}`;
    if (resolved !== root && !resolved.startsWith(`${root}/`)) problems.push(`${where} points outside the repository`);
    else if (!fs.exists(resolved)) problems.push(`${where}: ${relative(root, resolved)} does not exist`);
    else if (anchor !== undefined && resolved.endsWith('.md') && fs.isFile(resolved) && !anchors(fs.read(resolved)).has(anchor)) {
      problems.push(`${where}: ${relative(root, resolved)} has no heading #${anchor}`);
    }
  }
  return problems;
}

// ---- Environment variables: read by the code, documented in docs/configuration.md ----

/** Every variable `loadConfig` looks up in an environment: the record is a proxy that remembers each name asked for. */
function variablesLoadConfigReads(env: Record<string, string> = {}): Set<string> {
  const names = new Set<string>();
  const record = (name: string | symbol) => {
    if (typeof name === 'string') names.add(name);
  };
  const probe = new Proxy(env, {
    get: (target, name) => (record(name), Reflect.get(target, name)),
    has: (target, name) => (record(name), Reflect.has(target, name)),
    getOwnPropertyDescriptor: (target, name) => (record(name), Reflect.getOwnPropertyDescriptor(target, name)),
  });
  loadConfig(probe);
  return names;
}

/** Environment reads written into the source: `process.env.X`, `env.X`, `env['X']`, and the config's readers `str(env, 'X')`, `own(env, 'X')`, .... */
function variablesReadInSource(sources: ReadonlyArray<{ path: string; text: string }>): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [
    /\b(?:process\.)?env\.([A-Z][A-Z0-9_]*)\b/g,
    /\b(?:process\.)?env\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\]/g,
    /\(\s*env\s*,\s*['"`]([A-Z][A-Z0-9_]*)['"`]/g,
  ];
  for (const { path, text } of sources) for (const p of patterns) for (const m of text.matchAll(p)) if (!found.has(m[1]!)) found.set(m[1]!, path);
  return found;
}

/** The variables docs/configuration.md documents: the first cell of every row of its tables headed `| variable |`. */
function documentedVariables(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  let inTable = false;
  for (const { line } of proseLines(markdown)) {
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (/^variable$/i.test(cells[0] ?? '')) {
      inTable = true;
      continue;
    }
    if (!inTable || /^:?-+:?$/.test(cells[0] ?? '')) continue;
    const name = /^`([A-Za-z_][A-Za-z0-9_]*)`$/.exec(cells[0] ?? '')?.[1];
    if (name) out.set(name, cells.slice(1).join(' | '));
  }
  return out;
}

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

const markdownFiles = () => ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('links in README.md and docs/', () => {
  it('there are docs to check, with the index and the configuration page', () => {
    expect(markdownFiles()).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/configuration.md']));
  });

  it.each(markdownFiles())('every relative link in %s resolves, #anchors included', (file) => {
    expect(brokenLinks(ROOT, file)).toEqual([]);
  });

  it('every docs page is linked from the docs index', () => {
    const index = new Set(linkTargets(readFileSync(join(ROOT, 'docs/README.md'), 'utf8')).map((l) => l.target.split('#')[0]));
    const pages = markdownFiles().filter((f) => f.startsWith('docs/') && f !== 'docs/README.md').map((f) => f.slice('docs/'.length));
    expect(pages.filter((p) => !index.has(p))).toEqual([]);
  });
});

describe('the link checker', () => {
  const files: Record<string, string> = {
    '/r/README.md': [
      '# Title',
      '',
      '[ok](docs/a.md#some-heading) [dir](src) [bad file](docs/missing.md) [bad anchor](docs/a.md#nope) [self](#title) [bad self](#none) [web](https://x.example/#y) [up](../../etc/passwd)',
      '',
      '```sh',
      '[not a link](nowhere.md)',
      '```',
      '`[code](nowhere.md)`',
    ].join('\n'),
    '/r/docs/a.md': '# A\n\n## Some heading\n\n## `MINI_LLM_PROVIDERS`: JSON!\n\n## Some heading\n',
  };
  const dirs = new Set(['/r/src', '/r/docs']);
  const fs: Files = {
    read: (p) => {
      const text = files[p];
      if (text === undefined) throw new Error(`no ${p}`);
      return text;
    },
    exists: (p) => p in files || dirs.has(p),
    isFile: (p) => p in files,
  };

  it('follows GitHub slug rules (punctuation dropped, underscores kept, repeats numbered)', () => {
    expect([...anchors(files['/r/docs/a.md']!)]).toEqual(['a', 'some-heading', 'mini_llm_providers-json', 'some-heading-1']);
    expect(slug('OpenAI Responses (`/v1/responses`): Codex, the Agents SDK')).toBe('openai-responses-v1responses-codex-the-agents-sdk');
    expect(slug('Node (≥ 20)')).toBe('node--20');
    expect(slug("What is refused (400, OpenAI's error shape)")).toBe('what-is-refused-400-openais-error-shape');
    expect(slug('[Linked](x.md) heading')).toBe('linked-heading');
  });

  it('reports a missing file, a missing anchor and a path outside, and skips code and web links', () => {
    expect(brokenLinks('/r', 'README.md', fs)).toEqual([
      'README.md:3: docs/missing.md: docs/missing.md does not exist',
      'README.md:3: docs/a.md#nope: docs/a.md has no heading #nope',
      'README.md:3: #none: README.md has no heading #none',
      'README.md:3: ../../etc/passwd points outside the repository',
    ]);
  });
});

describe('environment variables and docs/configuration.md', () => {
  const documented = documentedVariables(readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8'));
  const read = variablesLoadConfigReads();
  const inSource = variablesReadInSource(sourceFiles('src').map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') })));
  const known = new Set([...read, ...inSource.keys()]);

  it('finds what the loader reads (the probe and the scan work)', () => {
    // Sanity, not the list: a probe that saw nothing, or a scan that found nothing, would make the checks below vacuous.
    expect(read.size).toBeGreaterThan(20);
    expect(read).toContain('MINI_LLM_PORT');
    expect(inSource.size).toBeGreaterThan(10);
  });

  it('every variable the config loader reads is documented', () => {
    expect([...known].filter((v) => !documented.has(v)).sort()).toEqual([]);
  });

  it('every documented variable is read by the code', () => {
    expect([...documented.keys()].filter((v) => !known.has(v)).sort()).toEqual([]);
  });

  it('.env.example names every variable the config loader reads', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    expect([...known].filter((v) => !new RegExp(`\\b${v}\\b`).test(example)).sort()).toEqual([]);
  });

  it('every documented variable has its meaning or default written down', () => {
    for (const [name, rest] of documented) expect(rest.replace(/[|\s–-]/g, ''), name).not.toBe('');
  });

  it('every provider a user adds is read through a variable the docs name by pattern', () => {
    // MINI_LLM_PROVIDERS entries read `<ID>_API_KEY` or their `apiKeyEnv`: user-chosen names, documented as patterns.
    const extra = variablesLoadConfigReads({ MINI_LLM_PROVIDERS: '{"myvllm":{"baseUrl":"http://127.0.0.1:8000/v1"}}' });
    expect(extra).toContain('MYVLLM_API_KEY');
    const text = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    expect(text).toContain('`<ID>_API_KEY`');
    expect(text).toContain('`apiKeyEnv`');
  });
});

describe('the placeholder-key rule in docs/configuration.md', () => {
  const text = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

  it('lists every known placeholder', () => {
    const listed = new Set(proseLines(text).flatMap(({ line }) => [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.toLowerCase())));
    expect(PLACEHOLDER_KEYS.filter((k) => !listed.has(k))).toEqual([]);
  });

  it('shows the warning the gateway prints, word for word', () => {
    const [warning] = startupWarnings(loadConfig({ OPENAI_API_KEY: 'EMPTY' }));
    expect(text).toContain(warning);
  });
});

