/**
 * The app, in a process of its own so that its environment is really its own (the credentials are
 * in its /proc entry, its directory holds a .env), executing two plans inline at once over the
 * fake GitHub: pull request #8's step keeps a secret in its workspace and waits; meanwhile #7's step
 * searches for every credential it can reach. Prints what GitHub was sent, as JSON, and exits.
 * Run by inline-isolation.e2e.test.ts, which sets the environment and checks what the step found.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFromEnv } from '../../src/app/config.js';
import { startFakeGitHub } from '../support/fake-github/index.js';
import { issueCommentEvent, pullRequestEvent } from '../support/payloads.js';
import { APP, PLAN_PATH, deliver, scene, until } from '../support/app.js';

const findings = process.env.FINDINGS!;

const PROBE = `version: 1
title: Look for the app's credentials
steps:
  - id: probe
    name: Search everything within reach
    run: |
      probe() {
        echo "== who"; id; stat -c '%U %a %n' "$PWD" "$HOME" "$TMPDIR"
        echo "== every environ"; for f in /proc/[0-9]*/environ; do echo "-- $f"; tr '\\0' '\\n' < "$f"; done
        echo "== parent"; echo "PPID=$PPID"; tr '\\0' '\\n' < /proc/$PPID/environ; ls -la /proc/$PPID/cwd/; cat /proc/$PPID/cwd/.env; head -c 64 /proc/$PPID/mem | od -c | head -2
        echo "== processes"; ls -d /proc/[0-9]*
        echo "== app directory"; ls -la "$PROBE_APP_DIR"; cat "$PROBE_APP_DIR/.env"; cat "$PROBE_KEY_PATH"
        echo "== workspaces"; ls -la "$PROBE_BASE"; cat "$(cat "$FINDINGS/other-pwd")/other-secret.txt"
        echo "== git"; cat .git/config; git config --list --show-origin
        echo "== sudo"; sudo -n true
      }
      probe > "$FINDINGS/found" 2>&1 || true
      cat "$FINDINGS/found"
    estimate: 1m
`;

const KEEPER = `version: 1
title: Keep a secret in the workspace
steps:
  - id: keep
    name: Keep a secret while the other execution looks
    run: |
      echo "OTHER_EXECUTION_$(echo 7f3a | rev)_SECRET" > other-secret.txt
      pwd > "$FINDINGS/other-pwd"
      while [ ! -e "$FINDINGS/release" ]; do sleep 0.1; done
    estimate: 1m
`;

const fake = await startFakeGitHub({ app: APP });
const s = await scene(fake, { plan: PROBE, config: { stepEnv: configFromEnv(process.env).stepEnv } });
try {
  const otherHead = s.remote.commit({ [PLAN_PATH]: KEEPER });
  fake.addPullRequest({
    number: 8,
    user: 'alice',
    headSha: otherHead,
    baseSha: s.remote.baseSha,
    files: [{ filename: PLAN_PATH, content: KEEPER }],
  });
  await s.open();
  await deliver(s.probot, {
    id: randomUUID(),
    name: 'pull_request',
    payload: pullRequestEvent('opened', {
      number: 8,
      user: 'alice',
      headSha: otherHead,
      baseSha: s.remote.baseSha,
    }),
  });
  const comment = fake.addComment(8, { user: 'bob', body: '/proceed' });
  const other = deliver(s.probot, {
    id: randomUUID(),
    name: 'issue_comment',
    payload: issueCommentEvent('created', {
      number: 8,
      user: 'bob',
      body: '/proceed',
      commentId: comment.id,
      prAuthor: 'alice',
    }),
  });
  await until(() => existsSync(join(findings, 'other-pwd')), 120_000);
  await s.comment('bob', '/proceed');
  writeFileSync(join(findings, 'release'), '');
  await other;
  const posted = {
    checkRuns: [...fake.checkRuns(s.head), ...fake.checkRuns(otherHead)],
    comments: [...fake.comments(7), ...fake.comments(8)],
    reviews: [...fake.reviews(7), ...fake.reviews(8)],
  };
  process.stdout.write(JSON.stringify({ posted, state: s.state()?.state, violations: fake.violations }));
} finally {
  s.cleanup();
  await fake.close();
}
