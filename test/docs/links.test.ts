/**
 * Every relative link in README.md and docs/*.md resolves inside the repository: to a file or
 * folder that exists and, with a `#fragment`, to a heading of that Markdown file. The contract a
 * user reads must not point outside the repository (`../shared/…`) or at a section that moved.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The Markdown outside fenced code blocks and code spans, where a link is a link. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '')
    .replace(/(`+)[^`][\s\S]*?\1/g, '');
}

/** `[text](target)` targets, without a title. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

/** The anchors GitHub gives a file's headings: lowercase, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = text!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

describe('links in README.md and docs/', () => {
  it('finds the documents and links in them', () => {
    expect(FILES).toEqual(
      expect.arrayContaining(['README.md', 'docs/plan-format.md', 'docs/policy.md', 'docs/commands.md']),
    );
    expect(linkTargets(readFileSync(join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(5);
  });

  it.each(FILES)('every relative link in %s resolves inside the repository', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const broken: string[] = [];
    for (const target of linkTargets(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
      const [path = '', fragment] = target.split('#');
      const full = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), decodeURI(path));
      const inside = !relative(ROOT, full).startsWith('..');
      if (!inside || !existsSync(full)) {
        broken.push(`${target}: ${inside ? 'no such file' : 'outside the repository'}`);
        continue;
      }
      if (fragment && full.endsWith('.md') && !anchors(readFileSync(full, 'utf8')).has(fragment))
        broken.push(`${target}: no heading #${fragment} in ${relative(ROOT, full)}`);
    }
    expect(broken).toEqual([]);
  });

  it('points at the contract in the repository, not at a file beside it', () => {
    for (const file of FILES) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(/\.\.\/shared\/|SPEC\.md|issues \d+ and \d+/);
    }
  });
});
