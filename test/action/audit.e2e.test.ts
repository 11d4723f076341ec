/**
 * Issue 15, item 6 end to end: the Action bundle runs a plan over the OpenAPI-checked fake through a
 * failure, a `/retry`, a `/skip` and a checkpoint, each its own job; the audit record accumulates on
 * `proceed/verify` and lands in the job summary; `proceed audit` (the CLI as a real process against the
 * fake's URL) reads it back, as a table and as JSON, and says clearly when it cannot.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAuditRecord } from '../../src/plan/audit-record.js';
import { extractAuditRecord } from '../../src/render/audit.js';
import { ActionScene } from '../support/action-scene.js';
import { proceed, ROOT } from '../support/cli.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';

const PLAN_PATH = 'deploy/migrate.plan.yml';

function plan(): string {
  return `version: 1
title: Migrate the users table
environment: production
config:
  allow_skip: true
steps:
  - id: backup
    name: Back up the database
    run: echo backup >> "$RUN_LOG"
  - id: seed
    name: Seed reference data
    run: echo seed >> "$RUN_LOG"; test ! -e "$FAIL_FLAG"
  - id: migrate
    name: Run the production migration
    run: echo migrate >> "$RUN_LOG"
    checkpoint: true
verify:
  rows: echo verify >> "$RUN_LOG"
`;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('the audit record', () => {
  const github = useFakeGitHub();

  it('accumulates over a failure, a retry, a skip and a checkpoint, and proceed audit reads it back', async () => {
    const fake = github();
    const s = ActionScene.on(fake, {
      plan: plan(),
      planPath: PLAN_PATH,
      writers: ['bob', 'carol', 'dana'],
      firstRunId: 3000,
    });
    cleanups.push(() => void s.dispose());
    const head = s.head;
    const opened = await s.pullRequest('opened');
    expect(opened.code, opened.stderr).toBe(0);

    writeFileSync(s.failFlag, '');
    const first = await s.comment('bob', '/proceed');
    expect(first.code).toBe(1); // seed failed
    const retried = await s.comment('bob', '/retry');
    expect(retried.code).toBe(1); // and again
    rmSync(s.failFlag);
    const skipped = await s.comment('carol', '/skip');
    expect(skipped.code, skipped.stderr).toBe(0); // paused at the checkpoint before migrate
    expect(skipped.summary).toContain('## 🧾 Audit record');
    const confirmed = await s.comment('dana', '/proceed');
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(s.log()).toEqual(['backup', 'seed', 'seed', 'migrate', 'verify']);

    // The job summary of the last job holds the whole record; so does proceed/verify.
    const inSummary = extractAuditRecord(confirmed.summary);
    expect(inSummary.kind).toBe('record');
    const gate = s.checks('proceed/verify').at(-1)!;
    expect(gate.conclusion).toBe('success');
    const onGate = extractAuditRecord(gate.output.text);
    expect(onGate).toEqual(inSummary);
    fake.assertNoViolations();

    const cli = { GITHUB_TOKEN: 'ghs_reader', GITHUB_API_URL: fake.url, GITHUB_REPOSITORY: '' };
    const table = await proceed(['audit', '7', '--repo', 'octo-org/widgets'], ROOT, cli);
    expect(table.code, table.stderr).toBe(0);
    const out = table.stdout;
    expect(out).toContain(`Audit record of octo-org/widgets#7 (posted by github-actions)`);
    expect(out).toContain(`Ran on      ${head}`);
    expect(out).toContain('Environment production');
    expect(out).toMatch(/Approvals\n {2}WHO +WHEN +HOW +COMMIT\n {2}bob +\S+ \S+ UTC +comment +\w{7}\n/);
    // Who confirmed the production step, and how.
    expect(out).toMatch(/Checkpoints confirmed\n.*\n {2}migrate +dana +\S+ \S+ UTC +comment\n/);
    expect(out).toMatch(/ {2}retry +bob .* seed\n/);
    expect(out).toMatch(/ {2}skip +carol .* seed\n/);
    // Every attempt of seed, with its exit code, and what exactly ran.
    expect(out).toMatch(/ {2}seed +1 +failure +1 /);
    expect(out).toMatch(/ {2}seed +2 +failure +1 /);
    expect(out).toMatch(/ {2}seed +3 +skipped +- /);
    expect(out).toMatch(/ {2}migrate +1 +success +0 /);
    expect(out).toMatch(/ {2}rows +1 +success +0 /);
    expect(out).toContain('3. migrate: Run the production migration  [checkpoint before it]');
    expect(out).toContain('bash$ echo migrate >> "$RUN_LOG"');

    const json = await proceed(['audit', '7', '--json', '--app', 'github-actions'], ROOT, {
      ...cli,
      GITHUB_REPOSITORY: 'octo-org/widgets',
    });
    expect(json.code, json.stderr).toBe(0);
    const parsed = parseAuditRecord(json.stdout);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || inSummary.kind !== 'record') return;
    expect(parsed.record).toEqual(inSummary.record);
    const r = parsed.record;
    expect(r.approvals.map((a) => [a.by, a.via, a.commit])).toEqual([['bob', 'comment', head]]);
    expect(r.checkpoints.map((c) => [c.step, c.by])).toEqual([['migrate', 'dana']]);
    expect(r.interventions.map((i) => [i.action, i.by, i.step])).toEqual([
      ['retry', 'bob', 'seed'],
      ['skip', 'carol', 'seed'],
    ]);
    expect(r.jobs.map((j) => [j.trigger, j.by, j.outcome])).toEqual([
      ['proceed', 'bob', 'failed'],
      ['retry', 'bob', 'failed'],
      ['skip', 'carol', 'paused'],
      ['proceed', 'dana', 'verified'],
    ]);
    expect(r.jobs[0]!.runner.url).toMatch(/\/actions\/runs\/3000$/);
    expect(r.state).toBe('verified');
    // A record posted by another app is not taken for the bot's.
    const other = await proceed(['audit', '7', '--app', 'some-other-app'], ROOT, {
      ...cli,
      GITHUB_REPOSITORY: 'octo-org/widgets',
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('no proceed/verify check run of the app some-other-app on its head');
  });

  it('says clearly, without a stack trace, when there is no token, no such pull request, or no record', async () => {
    const fake = github();
    fake.addPullRequest({ number: 8, user: 'alice', headSha: 'c'.repeat(40), baseSha: 'd'.repeat(40) });
    const cli = { GITHUB_API_URL: fake.url, GITHUB_REPOSITORY: 'octo-org/widgets' };

    const noToken = await proceed(['audit', '8'], ROOT, { ...cli, GITHUB_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('proceed audit: no token: set GITHUB_TOKEN');

    const missing = await proceed(['audit', '99'], ROOT, { ...cli, GITHUB_TOKEN: 'ghs_reader' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('octo-org/widgets has no pull request #99');

    const none = await proceed(['audit', '8'], ROOT, { ...cli, GITHUB_TOKEN: 'ghs_reader' });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /pull request #8 of octo-org\/widgets has no audit record: no proceed\/verify check run on its head cccccccc?/,
    );

    const badRepo = await proceed(['audit', '8', '--repo', 'widgets'], ROOT, {
      ...cli,
      GITHUB_TOKEN: 'ghs_reader',
    });
    expect(badRepo.code).toBe(2);
    expect(badRepo.stderr).toContain('--repo needs OWNER/NAME; it is "widgets"');

    for (const r of [noToken, missing, none, badRepo]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
