/**
 * Issue 15, item 5 end to end through the Action bundle over the OpenAPI-checked fake: after a push
 * that changes one step's command, the review shows what changed since the plan rendered before (read
 * back at that commit through the API), and an approval of the new plan ends the delta.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeState } from '../../src/gate/marker.js';
import { commentRun, runAction } from '../support/action.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent } from '../support/payloads.js';
import { makeRemote } from '../support/remote.js';

const BOT = 'github-actions[bot]';
const PLAN_PATH = 'deploy/migrate.plan.yml';

function plan(migrate: string): string {
  return `version: 1
title: Migrate the users table
steps:
  - id: backup
    name: Back up the database
    run: echo backup
    checkpoint: true
  - id: migrate
    name: Run the migration
    run: |
      echo connect
      ${migrate}
      echo done
  - id: switch
    name: Switch traffic
    run: echo switch
`;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('the plan delta in the review', () => {
  const github = useFakeGitHub();

  it('shows the changed command of the one step a push changed, since the commit rendered before, until the new plan is approved', async () => {
    const fake = github();
    const remote = makeRemote();
    const dir = mkdtempSync(join(tmpdir(), 'proceed-delta-'));
    cleanups.push(
      () => remote.cleanup(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const first = plan('psql -f 001_users.sql');
    const head = remote.commit({ [PLAN_PATH]: first });
    fake.addPullRequest({
      number: 7,
      user: 'alice',
      headSha: head,
      baseSha: remote.baseSha,
      files: [{ filename: PLAN_PATH, content: first }],
    });
    fake.setPermission('alice', 'write');
    fake.setPermission('bob', 'write');
    const env = { GITHUB_SERVER_URL: remote.serverUrl };
    const review = () => fake.reviews(7).find((r) => r.user === BOT)!;
    const prEvent = (action: 'opened' | 'synchronize', sha: string) =>
      runAction({
        fake,
        event: 'pull_request',
        payload: pullRequestEvent(action, {
          number: 7,
          user: 'alice',
          headSha: sha,
          baseSha: remote.baseSha,
        }),
        env,
      });

    expect((await prEvent('opened', head)).code).toBe(0);
    expect(review().body).not.toContain('Changed since');
    // bob approves; the plan stops at its first checkpoint, before anything ran.
    const approved = await commentRun({ fake, user: 'bob', body: '/proceed', env }).run;
    expect(approved.code, approved.stderr).toBe(0);
    expect(decodeState(review().body)?.state).toBe('paused');

    const second = plan('psql -f 002_users_v2.sql');
    const pushed = remote.commit({ [PLAN_PATH]: second });
    fake.pushCommit(7, pushed, [{ filename: PLAN_PATH, content: second }]);
    const sync = await prEvent('synchronize', pushed);
    expect(sync.code, sync.stderr).toBe(0);

    const body = review().body;
    expect(body).toContain(
      `### 🔀 Changed since the plan you may have approved (commit \`${head.slice(0, 7)}\`)`,
    );
    expect(body).toContain('- ✏️ Step 2 `migrate` (Run the migration): command changed');
    expect(body).toContain(
      '```diff\n    echo connect\n  - psql -f 001_users.sql\n  + psql -f 002_users_v2.sql\n    echo done\n  ```',
    );
    // Only the step that changed is named; the approval of the old plan was reset.
    expect(body).not.toMatch(/Step \d `(backup|switch)`/);
    expect(body).toMatch(/Approval by `bob` was reset: the plan changed/);
    const state = decodeState(body)!;
    expect(state).toMatchObject({ state: 'proposed', planBefore: { sha: head, path: PLAN_PATH } });

    // A comment re-renders the review: the delta stays while the new plan waits for approval…
    await commentRun({ fake, user: 'bob', body: '/help', env }).run;
    expect(review().body).toContain('Changed since the plan you may have approved');
    // …and ends once it is approved.
    const again = await commentRun({ fake, user: 'bob', body: '/proceed', env }).run;
    expect(again.code, again.stderr).toBe(0);
    expect(review().body).not.toContain('Changed since the plan you may have approved');
    fake.assertNoViolations();
  });
});
