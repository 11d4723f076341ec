/**
 * Code owners (issue 15, `approvers.codeowners`): GitHub's CODEOWNERS file, read from the base branch,
 * and who owns a path under it. GitHub's rules, which differ from gitignore in places:
 *
 * - The file is the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` that exists.
 * - Each line is a pattern and its owners (`@login`, `@org/team`, or an email); `#` starts a comment;
 *   `\#` is a literal `#` in a pattern. The **last** matching line wins, and a matching line without
 *   owners leaves the path without owners.
 * - Patterns are gitignore-like: a pattern without a slash (other than a trailing one) matches at any
 *   depth; a leading or inner slash anchors it at the root; a trailing slash matches a directory and
 *   everything under it; a pattern matching a directory owns everything under it — except that a
 *   pattern ending in `/*` owns only the directory's direct files (GitHub's documented difference).
 *   `!` negation and `[ ]` ranges are not supported by GitHub: such lines are skipped, with a note.
 * - Paths match case-sensitively.
 */
import picomatch from 'picomatch';
import { codeSpan } from '../../render/markdown.js';

/** Where GitHub looks for the file, in order; the first found is the one used. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  pattern: string;
  /** As written, with the `@` of logins and teams (`@octo-org/dba`, `@dave`, `ops@example.com`). */
  owners: string[];
  line: number;
  matches: (path: string) => boolean;
}

export interface Codeowners {
  path: string;
  rules: CodeownersRule[];
  /** Lines GitHub would not accept either (`!`, `[ ]`), skipped: "LINE: why". */
  skipped: string[];
}

/** Parses a CODEOWNERS file's text. */
export function parseCodeowners(text: string, path: string): Codeowners {
  const rules: CodeownersRule[] = [];
  const skipped: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const tokens = tokenize(raw);
    const [pattern, ...rest] = tokens;
    if (!pattern) return;
    if (pattern.startsWith('!') || /[[\]]/.test(pattern)) {
      skipped.push(`${line}: ${pattern} (GitHub supports neither \`!\` nor \`[ ]\` in CODEOWNERS)`);
      return;
    }
    rules.push({ pattern, owners: rest, line, matches: matcher(pattern) });
  });
  return { path, rules, skipped };
}

/** A line's pattern and owners: whitespace-separated, up to an unescaped `#`. */
function tokenize(raw: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      current += raw[++i];
      continue;
    }
    if (c === '#') break;
    if (/\s/.test(c)) {
      if (current) tokens.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (current) tokens.push(current);
  return tokens;
}

function matcher(pattern: string): (path: string) => boolean {
  let glob = pattern;
  const directoryOnly = glob.endsWith('/');
  glob = glob.replace(/\/+$/, '');
  const anchored = glob.startsWith('/') || glob.includes('/');
  glob = glob.replace(/^\/+/, '');
  if (!glob) glob = '**';
  if (!anchored) glob = `**/${glob}`;
  const test = picomatch(glob, { dot: true });
  // `docs/*` owns docs/a.md but not docs/b/c.md: a directory matched by a trailing `*` owns nothing.
  const ownsUnderMatch = !glob.endsWith('/*') && glob !== '*';
  return (path) => {
    const clean = path.replace(/^\/+/, '');
    if (!directoryOnly && test(clean)) return true;
    if (!ownsUnderMatch) return false;
    const parts = clean.split('/');
    for (let n = parts.length - 1; n >= 1; n--) if (test(parts.slice(0, n).join('/'))) return true;
    return false;
  };
}

/** The owners of a path: those of the last matching line (none when no line matches, or it lists none). */
export function ownersOf(codeowners: Codeowners, path: string): string[] {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i]!;
    if (rule.matches(path)) return rule.owners;
  }
  return [];
}

/** The teams (`org/slug`) among owners, for the membership look-ups. */
export function ownerTeams(owners: readonly string[]): string[] {
  return owners.filter((o) => /^@[^/@\s]+\/[^/@\s]+$/.test(o)).map((o) => o.slice(1));
}

/** Whether someone with this login, a member of these teams, is one of the owners (emails never match a login). */
export function isOwner(owners: readonly string[], login: string, teams: readonly string[]): boolean {
  const lower = login.toLowerCase();
  const memberOf = new Set(teams.map((t) => t.toLowerCase()));
  return owners.some((owner) => {
    if (!owner.startsWith('@')) return false;
    const name = owner.slice(1).toLowerCase();
    return name.includes('/') ? memberOf.has(name) : name === lower;
  });
}

/** Owners as a message names them: in code spans, so nobody is notified. */
export function ownerWords(owners: readonly string[]): string {
  return owners.map((o) => codeSpan(o)).join(', ');
}
