/** CODEOWNERS as GitHub reads it (issue 15): locations, patterns, last match wins, team and email owners. */
import { describe, expect, it } from 'vitest';
import {
  CODEOWNERS_LOCATIONS,
  isOwner,
  ownersOf,
  ownerTeams,
  parseCodeowners,
} from '../../../src/gate/rules/codeowners.js';

const FILE = `# Lines starting with # are comments.
*                   @global-owner
*.js                @js-owner   # an inline comment
/build/logs/        @doctocat
docs/*              docs@example.com
apps/               @octocat
**/logs             @logs-owner
/scripts/           @doctocat @octo-org/ops
deploy/*.plan.yml   @octo-org/dba
deploy/unowned.plan.yml
\\#notes.md          @hash-owner
!negated.md         @nobody
`;

describe('parseCodeowners and ownersOf', () => {
  const owners = parseCodeowners(FILE, '.github/CODEOWNERS');
  const of = (path: string) => ownersOf(owners, path);

  it("looks where GitHub does, in GitHub's order", () => {
    expect(CODEOWNERS_LOCATIONS).toEqual(['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']);
  });

  it('lets the last matching line win', () => {
    expect(of('README.md')).toEqual(['@global-owner']);
    expect(of('src/index.js')).toEqual(['@js-owner']);
    expect(of('deploy/release.plan.yml')).toEqual(['@octo-org/dba']);
  });

  it('gives no owner to a path whose last matching line names none', () => {
    expect(of('deploy/unowned.plan.yml')).toEqual([]);
  });

  it('anchors a leading slash at the root and owns everything under a directory pattern', () => {
    // `/build/logs/` owns it, but the later `**/logs` line matches it too, and the last one wins.
    expect(of('build/logs/a/b.txt')).toEqual(['@logs-owner']);
    expect(ownersOf(parseCodeowners('/build/logs/ @doctocat\n', 'CODEOWNERS'), 'build/logs/a/b.txt')).toEqual(
      ['@doctocat'],
    );
    expect(ownersOf(parseCodeowners('/build/logs/ @doctocat\n', 'CODEOWNERS'), 'x/build/logs/a')).toEqual([]);
    expect(of('scripts/migrate.sh')).toEqual(['@doctocat', '@octo-org/ops']);
    expect(of('tools/scripts/migrate.sh')).toEqual(['@global-owner']);
  });

  it('matches a pattern without a slash at any depth', () => {
    expect(of('web/apps/main.ts')).toEqual(['@octocat']);
    expect(of('deep/down/logs/x.txt')).toEqual(['@logs-owner']);
  });

  it('owns only the direct files of a directory with a trailing /* (GitHub, unlike gitignore)', () => {
    expect(of('docs/getting-started.md')).toEqual(['docs@example.com']);
    expect(of('docs/build-app/troubleshooting.md')).toEqual(['@global-owner']);
  });

  it('reads \\# as a literal # and skips what GitHub does not support, saying so', () => {
    expect(of('#notes.md')).toEqual(['@hash-owner']);
    expect(of('negated.md')).toEqual(['@global-owner']);
    expect(owners.skipped).toEqual(['12: !negated.md (GitHub supports neither `!` nor `[ ]` in CODEOWNERS)']);
  });

  it('matches case-sensitively, as GitHub does', () => {
    expect(of('SRC/INDEX.JS')).toEqual(['@global-owner']);
  });
});

describe('isOwner and ownerTeams', () => {
  const owners = ['@dave', '@octo-org/dba', 'ops@example.com'];

  it('matches a login or a team membership, never an email', () => {
    expect(isOwner(owners, 'Dave', [])).toBe(true);
    expect(isOwner(owners, 'erin', ['octo-org/DBA'])).toBe(true);
    expect(isOwner(owners, 'ops', ['octo-org/web'])).toBe(false);
  });

  it('lists the teams among the owners for the membership look-ups', () => {
    expect(ownerTeams(owners)).toEqual(['octo-org/dba']);
  });
});
