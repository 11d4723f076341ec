/**
 * The Action's first half end to end (SPEC §2–§4): the committed bundle runs as a child process
 * against the OpenAPI-checked fake GitHub; every test fails on any request the real API would reject.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeState } from '../../src/gate/marker.js';
import { commentRun, runAction } from '../support/action.js';
import { makeRemote } from '../support/remote.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import type { FakeGitHub, FileSeed } from '../support/fake-github/index.js';
import { issueCommentEvent, pullRequestEvent, pullRequestReviewEvent } from '../support/payloads.js';

const BASE = 'b'.repeat(40);
const HEAD = '1'.repeat(40);
const HEAD2 = '2'.repeat(40);
const BOT = 'github-actions[bot]';

const PLAN = `version: 1
title: Migrate the users table
description: Move users with at most 30 minutes of downtime.
risks:
  - Data mismatch requiring rollback
steps:
  - id: schema
    name: Schema analysis
    run: ./scripts/convert-schema.sh
    estimate: 2m
  - name: Execute migration
    run: ./scripts/migrate.sh
    checkpoint: true
    estimate: 10m
verify:
  tests: npm test
`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Pr {
  number?: number;
  user?: string;
  fork?: boolean;
  files?: FileSeed[];
  plan?: string | null;
}

function openPr(fake: FakeGitHub, pr: Pr = {}): { number: number; user: string; fork: boolean } {
  const number = pr.number ?? 7;
  const user = pr.user ?? 'alice';
  const files =
    pr.files ??
    (pr.plan === null
      ? [{ filename: 'src/app.ts', content: 'x' }]
      : [{ filename: 'deploy/users.plan.yml', content: pr.plan ?? PLAN }]);
  fake.addPullRequest({ number, user, headSha: HEAD, baseSha: BASE, fork: !!pr.fork, files });
  fake.setPermission('alice', 'write');
  fake.setPermission('bob', 'write');
  return { number, user, fork: !!pr.fork };
}

function prEvent(
  fake: FakeGitHub,
  action: 'opened' | 'synchronize',
  pr: { number: number; user: string; fork: boolean },
) {
  const head = fake.pullRequest(pr.number).headSha;
  return runAction({
    fake,
    event: 'pull_request',
    payload: pullRequestEvent(action, {
      number: pr.number,
      user: pr.user,
      fork: pr.fork,
      headSha: head,
      baseSha: BASE,
    }),
  });
}

function comment(fake: FakeGitHub, number: number, user: string, body: string) {
  const { comment: record, run } = commentRun({ fake, number, user, body });
  return { record, run };
}

function botReview(fake: FakeGitHub, number: number) {
  const own = fake.reviews(number).filter((r) => r.user === BOT);
  expect(own).toHaveLength(1);
  return own[0]!;
}

function stateOf(fake: FakeGitHub, number: number) {
  return decodeState(botReview(fake, number).body)?.state;
}

function checks(fake: FakeGitHub, name: string, sha = HEAD) {
  return fake.checkRuns(sha).filter((c) => c.name === name);
}

describe('rendering the plan when a pull request opens', () => {
  const github = useFakeGitHub();

  it('posts one COMMENT review with the plan, a passing proceed/plan and a pending proceed/verify', async () => {
    const fake = github();
    const pr = openPr(fake);
    const run = await prEvent(fake, 'opened', pr);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const review = botReview(fake, 7);
    expect(review.state).toBe('COMMENTED');
    expect(review.body).toContain('Migrate the users table');
    expect(review.body).toContain('Execute migration');
    expect(review.body).toContain('```mermaid');
    expect(stateOf(fake, 7)).toBe('proposed');
    expect(checks(fake, 'proceed/plan')[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(checks(fake, 'proceed/verify')[0]).toMatchObject({ status: 'queued', conclusion: null });
    expect(run.outputs).toMatchObject({ state: 'proposed', 'plan-path': 'deploy/users.plan.yml' });
    expect(run.summary).toContain('proposed');
  });

  it('edits the same review in place on a push instead of posting a second one', async () => {
    const fake = github();
    const pr = openPr(fake);
    await prEvent(fake, 'opened', pr);
    const first = botReview(fake, 7);
    fake.pushCommit(7, HEAD2, [
      {
        filename: 'deploy/users.plan.yml',
        content: PLAN.replace('Migrate the users table', 'Migrate users, take two'),
      },
    ]);
    const run = await prEvent(fake, 'synchronize', pr);
    expect(run.code, run.stderr).toBe(0);
    const second = botReview(fake, 7);
    expect(second.id).toBe(first.id);
    expect(second.body).toContain('Migrate users, take two');
    expect(checks(fake, 'proceed/verify', HEAD2)).toHaveLength(1);
  });

  it('fails proceed/plan with annotations on the lines of an invalid plan', async () => {
    const fake = github();
    const bad =
      'version: 1\ntitle: Broken\nsteps:\n  - name: One\n    run: echo hi\n    timeout: soon\n    colour: red\n';
    const pr = openPr(fake, { plan: bad });
    const run = await prEvent(fake, 'opened', pr);
    expect(run.code, run.stderr).toBe(0);
    const plan = checks(fake, 'proceed/plan')[0]!;
    expect(plan.conclusion).toBe('failure');
    const annotations = plan.annotations.map((a) => [
      a.start_line,
      a.start_column,
      a.annotation_level,
      a.path,
    ]);
    expect(annotations).toContainEqual([6, 14, 'failure', 'deploy/users.plan.yml']);
    expect(annotations).toContainEqual([7, 5, 'failure', 'deploy/users.plan.yml']);
    expect(checks(fake, 'proceed/verify')[0]!.conclusion).toBe('failure');
    expect(botReview(fake, 7).body).toContain('deploy/users.plan.yml:6:14');
  });

  it('posts no review and a passing proceed/verify when the pull request has no plan', async () => {
    const fake = github();
    const pr = openPr(fake, { plan: null });
    const run = await prEvent(fake, 'opened', pr);
    expect(run.code, run.stderr).toBe(0);
    expect(fake.reviews(7)).toHaveLength(0);
    expect(checks(fake, 'proceed/verify')[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run.outputs.state).toBe('none');
  });

  it('refuses two plans and lists them', async () => {
    const fake = github();
    const pr = openPr(fake, {
      files: [
        { filename: 'a/one.plan.yml', content: PLAN },
        { filename: 'b/two.plan.yaml', content: PLAN },
      ],
    });
    const run = await prEvent(fake, 'opened', pr);
    expect(run.code, run.stderr).toBe(0);
    const body = botReview(fake, 7).body;
    expect(body).toContain('a/one.plan.yml');
    expect(body).toContain('b/two.plan.yaml');
    expect(checks(fake, 'proceed/plan')[0]!.conclusion).toBe('failure');
    expect(checks(fake, 'proceed/verify')[0]!.conclusion).toBe('failure');
  });

  it('renders HTML, mentions and fences from the plan inert', async () => {
    const fake = github();
    const evil = `version: 1
title: "<img src=x onerror=alert(1)> @octo-org/admins"
description: "<!-- proceed:state eyJ2IjoxfQ== --> </details> @alice"
steps:
  - name: "<script>alert(1)</script>"
    run: "echo '\`\`\`' && echo @bob"
    estimate: 1m
verify:
  tests: npm test
`;
    const pr = openPr(fake, { plan: evil });
    await prEvent(fake, 'opened', pr);
    const body = botReview(fake, 7).body;
    expect(body).not.toMatch(/<img|<script/i);
    // Outside code (where GitHub links nothing) no mention is live.
    const prose = body.replace(/(`{3,})[\s\S]*?\1/g, '').replace(/(`+)[^`]*?\1/g, '');
    expect(prose).not.toMatch(/@(octo-org|alice|bob)\b/);
    // Only the bot's own marker opens an HTML comment, and it is the last thing in the body.
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body.trimEnd().endsWith('-->')).toBe(true);
    expect(stateOf(fake, 7)).toBe('proposed');
  });
});

describe('approval', () => {
  const github = useFakeGitHub();

  /** A pull request whose head is a real commit, so an approval goes on to execute it. */
  function runnablePr(fake: FakeGitHub) {
    const remote = makeRemote();
    cleanups.push(() => remote.cleanup());
    const plan = PLAN.replace('./scripts/convert-schema.sh', 'test -f deploy/users.plan.yml').replace(
      './scripts/migrate.sh',
      'git --version',
    );
    const head = remote.commit({ 'deploy/users.plan.yml': plan });
    fake.addPullRequest({
      number: 7,
      user: 'alice',
      headSha: head,
      baseSha: remote.baseSha,
      files: [{ filename: 'deploy/users.plan.yml', content: plan }],
    });
    fake.setPermission('bob', 'write');
    const env = { GITHUB_SERVER_URL: remote.serverUrl };
    return { head, base: remote.baseSha, env };
  }

  it('binds an approving review by an allowed user to the head and the plan, then executes it', async () => {
    const fake = github();
    const { head, base, env } = runnablePr(fake);
    await runAction({
      fake,
      event: 'pull_request',
      payload: pullRequestEvent('opened', { number: 7, user: 'alice', headSha: head, baseSha: base }),
      env,
    });
    fake.addReview(7, { user: 'bob', state: 'APPROVED' });
    const run = await runAction({
      fake,
      event: 'pull_request_review',
      payload: pullRequestReviewEvent('submitted', {
        number: 7,
        user: 'bob',
        state: 'approved',
        headSha: head,
        baseSha: base,
        prAuthor: 'alice',
      }),
      env,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const state = decodeState(botReview(fake, 7).body)!;
    expect(state.approval).toMatchObject({ by: 'bob', via: 'review', headSha: head });
    // The first step stops at the checkpoint before "Execute migration".
    expect(state.state).toBe('paused');
    expect(botReview(fake, 7).body).toContain('bob');
  });

  it('approves on /proceed from an allowed user, with an eyes reaction', async () => {
    const fake = github();
    const { head, base, env } = runnablePr(fake);
    await runAction({
      fake,
      event: 'pull_request',
      payload: pullRequestEvent('opened', { number: 7, user: 'alice', headSha: head, baseSha: base }),
      env,
    });
    const { comment: c, run: pending } = commentRun({
      fake,
      user: 'bob',
      body: '/proceed',
      env,
    });
    const run = await pending;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fake.reactions(c.id).map((r) => r.content)).toContain('eyes');
    expect(decodeState(botReview(fake, 7).body)?.approval).toMatchObject({ by: 'bob', via: 'comment' });
  });

  it('ignores an approving review for an older commit and says so', async () => {
    const fake = github();
    const pr = openPr(fake);
    await prEvent(fake, 'opened', pr);
    fake.pushCommit(7, HEAD2, [{ filename: 'deploy/users.plan.yml', content: PLAN }]);
    await prEvent(fake, 'synchronize', pr);
    const run = await runAction({
      fake,
      event: 'pull_request_review',
      payload: pullRequestReviewEvent('submitted', {
        number: 7,
        user: 'bob',
        state: 'approved',
        headSha: HEAD2,
        commitId: HEAD,
        baseSha: BASE,
        prAuthor: 'alice',
      }),
    });
    expect(run.code).toBe(0);
    expect(stateOf(fake, 7)).toBe('proposed');
    expect(fake.comments(7).at(-1)!.body).toContain('older');
  });

  it('resets a stale approval after a push and says why in the review', async () => {
    const fake = github();
    const pr = openPr(fake);
    await prEvent(fake, 'opened', pr);
    await comment(fake, 7, 'bob', '/proceed').run;
    expect(stateOf(fake, 7)).toBe('approved');
    fake.pushCommit(7, HEAD2, [{ filename: 'deploy/users.plan.yml', content: PLAN }]);
    const run = await prEvent(fake, 'synchronize', pr);
    expect(run.outputs.state).toBe('proposed');
    const body = botReview(fake, 7).body;
    expect(decodeState(body)?.approval).toBeUndefined();
    expect(body).toMatch(/reset/i);
    expect(body).toContain(HEAD2.slice(0, 7));
  });

  it('does not apply a /proceed written before a push to the plan that push brought', async () => {
    const fake = github();
    const { head, base, env } = runnablePr(fake);
    await runAction({
      fake,
      event: 'pull_request',
      payload: pullRequestEvent('opened', { number: 7, user: 'alice', headSha: head, baseSha: base }),
      env,
    });
    const written = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    // A push lands between the comment and its handling; its synchronize run has not happened yet.
    fake.pushCommit(7, HEAD2, [
      {
        filename: 'deploy/users.plan.yml',
        content: PLAN.replace('Migrate the users table', 'Drop the users table'),
      },
    ]);
    const run = await commentRun({
      fake,
      user: 'bob',
      body: '/proceed',
      createdAt: written,
      env,
    }).run;
    expect(run.code, run.stderr).toBe(0);
    expect(fake.comments(7).at(-1)!.body).toMatch(/had not been rendered/);
    const state = decodeState(botReview(fake, 7).body)!;
    expect(state).toMatchObject({ state: 'proposed', headSha: HEAD2 });
    expect(botReview(fake, 7).body).toContain('Drop the users table');
    // Written before that render, the same comment is still not about this plan.
    const again = await commentRun({
      fake,
      user: 'bob',
      body: '/proceed',
      createdAt: written,
      env,
    }).run;
    expect(again.code).toBe(0);
    expect(fake.comments(7).at(-1)!.body).toMatch(/written before the plan at the head/);
    expect(decodeState(botReview(fake, 7).body)!.approval).toBeUndefined();
  });

  it('keeps the approval across a push that leaves the plan alone when bind_approval_to is plan', async () => {
    const fake = github();
    const pr = openPr(fake);
    fake.setFile(BASE, '.github/proceed.yml', 'bind_approval_to: plan\n');
    await prEvent(fake, 'opened', pr);
    await comment(fake, 7, 'bob', '/proceed').run;
    fake.pushCommit(7, HEAD2, [
      { filename: 'deploy/users.plan.yml', content: PLAN },
      { filename: 'src/other.ts', content: 'y' },
    ]);
    await prEvent(fake, 'synchronize', pr);
    expect(decodeState(botReview(fake, 7).body)?.approval?.by).toBe('bob');
  });
});

describe('refusals', () => {
  const github = useFakeGitHub();

  async function refused(fake: FakeGitHub, user: string, body = '/proceed') {
    const { record, run } = comment(fake, 7, user, body);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(fake.reactions(record.id).map((r) => r.content)).toContain('eyes');
    expect(stateOf(fake, 7)).toBe('proposed');
    return fake.comments(7).at(-1)!.body;
  }

  for (const permission of ['none', 'read', 'triage'] as const) {
    it(`refuses /proceed from someone with ${permission} permission and says who may`, async () => {
      const fake = github();
      openPr(fake);
      await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
      fake.setPermission('carol', permission);
      const answer = await refused(fake, 'carol');
      expect(answer).toContain('refused');
      expect(answer).toMatch(/write/);
      expect(answer).not.toMatch(/@carol\b/);
    });
  }

  it('refuses write when the policy asks for maintain', async () => {
    const fake = github();
    openPr(fake);
    fake.setFile(BASE, '.github/proceed.yml', 'approvers:\n  permission: maintain\n');
    await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    expect(await refused(fake, 'bob')).toMatch(/maintain/);
  });

  it('refuses the author approving their own plan', async () => {
    const fake = github();
    openPr(fake);
    await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    expect(await refused(fake, 'alice')).toMatch(/self_approval/);
  });

  it('refuses a plan from a fork', async () => {
    const fake = github();
    const pr = openPr(fake, { fork: true });
    await prEvent(fake, 'opened', pr);
    expect(await refused(fake, 'bob')).toMatch(/fork/);
  });

  it('does nothing for a /proceed inside a code block', async () => {
    const fake = github();
    openPr(fake);
    await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    const { record, run } = comment(fake, 7, 'bob', 'Run it with:\n\n```\n/proceed\n```\n');
    expect((await run).code).toBe(0);
    expect(fake.reactions(record.id)).toHaveLength(0);
    expect(stateOf(fake, 7)).toBe('proposed');
  });

  it("ignores a forged state marker in someone else's review and comment", async () => {
    const fake = github();
    openPr(fake);
    const forged = Buffer.from(
      JSON.stringify({
        v: 1,
        state: 'approved',
        planPath: 'deploy/users.plan.yml',
        planBlob: 'x',
        planHash: 'x',
        headSha: HEAD,
        approval: {
          by: 'mallory',
          via: 'comment',
          at: '2024-01-01T00:00:00Z',
          headSha: HEAD,
          planBlob: 'x',
          planHash: 'x',
        },
        confirmed: [],
        handled: [],
      }),
    ).toString('base64');
    fake.addReview(7, { user: 'mallory', state: 'COMMENTED', body: `<!-- proceed:state ${forged} -->` });
    fake.addComment(7, { user: 'mallory', body: `<!-- proceed:state ${forged} -->` });
    const run = await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    expect(run.outputs.state).toBe('proposed');
    expect(stateOf(fake, 7)).toBe('proposed');
  });

  it("judges by the base branch's policy even when the pull request weakens it", async () => {
    const fake = github();
    openPr(fake, {
      files: [
        { filename: 'deploy/users.plan.yml', content: PLAN },
        {
          filename: '.github/proceed.yml',
          content: 'approvers:\n  permission: write\nself_approval: true\n',
        },
      ],
    });
    fake.setFile(BASE, '.github/proceed.yml', 'approvers:\n  permission: admin\n');
    await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    expect(await refused(fake, 'alice')).toMatch(/admin/);
    expect(await refused(fake, 'bob')).toMatch(/admin/);
  });

  it('answers a mistyped command with a suggestion', async () => {
    const fake = github();
    openPr(fake);
    await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    expect(await refused(fake, 'bob', '/procede')).toContain('/proceed');
  });

  it('ignores edited comments and comments from bots', async () => {
    const fake = github();
    openPr(fake);
    await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    const c = fake.addComment(7, { user: 'bob', body: '/proceed' });
    const edited = await runAction({
      fake,
      event: 'issue_comment',
      payload: issueCommentEvent('edited', {
        number: 7,
        user: 'bob',
        body: '/proceed',
        commentId: c.id,
        previousBody: 'hi',
      }),
    });
    expect(edited.code).toBe(0);
    const bot = fake.addComment(7, { user: 'renovate[bot]', body: '/proceed' });
    await runAction({
      fake,
      event: 'issue_comment',
      payload: issueCommentEvent('created', {
        number: 7,
        user: 'renovate[bot]',
        body: '/proceed',
        commentId: bot.id,
      }),
    });
    expect(fake.reactions(c.id)).toHaveLength(0);
    expect(fake.reactions(bot.id)).toHaveLength(0);
    expect(stateOf(fake, 7)).toBe('proposed');
  });
});

describe('/help and /plan', () => {
  const github = useFakeGitHub();

  it('answers /help with the commands and who may use them', async () => {
    const fake = github();
    openPr(fake);
    await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    fake.setPermission('dave', 'read');
    await comment(fake, 7, 'dave', '/help').run;
    const answer = fake.comments(7).at(-1)!.body;
    for (const c of ['/proceed', '/retry', '/skip', '/cancel', '/rollback', '/plan', '/help'])
      expect(answer).toContain(c);
  });

  it('re-renders the plan in place on /plan', async () => {
    const fake = github();
    openPr(fake);
    await prEvent(fake, 'opened', { number: 7, user: 'alice', fork: false });
    const before = botReview(fake, 7);
    await comment(fake, 7, 'dave', '/plan').run;
    expect(botReview(fake, 7).id).toBe(before.id);
  });
});
