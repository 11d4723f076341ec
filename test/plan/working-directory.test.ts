/**
 * A `working-directory` that leaves the repository is a plan error (issue 12 item 13), caught by
 * `proceed validate` and every door's parse before anything runs, with FILE:LINE:COL.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/plan/diagnostics.js';
import { parsePlan } from '../../src/plan/parse.js';
import { workingDirectoryEscape } from '../../src/plan/schema.js';

const plan = (stepDir: string, verifyDir = 'lib') =>
  [
    'version: 1',
    'title: t',
    'steps:',
    '  - name: Migrate',
    '    run: ./migrate.sh',
    `    working-directory: ${JSON.stringify(stepDir)}`,
    '    rollback: ./rollback.sh',
    'verify:',
    `  counts: { run: ./count.sh, working-directory: ${JSON.stringify(verifyDir)} }`,
    '',
  ].join('\n');

describe('a working-directory that leaves the repository', () => {
  it.each([
    ['../../etc', 'leads outside the repository'],
    ['..', 'leads outside the repository'],
    ['db/../../etc', 'leads outside the repository'],
    ['./db/../../../', 'leads outside the repository'],
    ['..\\..\\etc', 'leads outside the repository'],
    ['/etc', 'is an absolute path'],
    ['C:\\Windows', 'is an absolute path'],
  ])('refuses %s in a step (its rollback runs there too) at FILE:LINE:COL', (dir, why) => {
    const result = parsePlan(plan(dir), 'deploy/release.plan.yml');
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(formatDiagnostic(errors[0]!)).toMatch(
      new RegExp(`^deploy/release\\.plan\\.yml:6:24: steps\\[0\\]\\.working-directory: .*${why}`),
    );
  });

  it('refuses one in a verification, pointing at its value', () => {
    const result = parsePlan(plan('db', 'a/../../b'), 'p.plan.yml');
    const errors = result.ok ? [] : result.errors;
    expect(errors.map(formatDiagnostic)).toEqual([
      'p.plan.yml:9:49: verify.counts.working-directory: "a/../../b" leads outside the repository; give a directory inside it, relative to the repository root',
    ]);
  });

  it.each(['db', 'db/../lib', './scripts', 'a/b/..', 'dir..name', '..hidden', '~/deploy'])(
    'accepts %s, which stays inside',
    (dir) => {
      expect(workingDirectoryEscape(dir)).toBeUndefined();
      expect(parsePlan(plan(dir), 'p.plan.yml').ok).toBe(true);
    },
  );
});
