/**
 * The gate in-process: `handleEvent` over `MemoryGitHub` (test/support/memory-scene.ts), with real
 * processes for the steps. Each scenario drives a pull request through webhook payloads as a door
 * would, and reads the outcome from the bot's review, its check runs and comments, and the trace the
 * steps themselves wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryScene, NUMBER } from '../support/memory-scene.js';
import { pullRequestEvent } from '../support/payloads.js';
import { startCounts, tracedPlan } from '../support/traced-plans.js';

const PERMISSIONS = { alice: 'write', bob: 'write', eve: 'read' } as const;
let scene: MemoryScene | undefined;
afterEach(() => {
  scene?.cleanup();
  scene = undefined;
});

function start(plan: string): MemoryScene {
  scene = new MemoryScene({ plan, permissions: { ...PERMISSIONS } });
  return scene;
}

const newest = (s: MemoryScene, name: string) =>
  s.github
    .checkRuns(s.headSha)
    .filter((c) => c.name === name)
    .at(-1);
const lastComment = (s: MemoryScene) => s.github.comments().at(-1)?.body ?? '';

describe('handleEvent over MemoryGitHub', () => {
  it('renders a proposed plan on open, then runs it on /proceed from someone allowed, to verified', async () => {
    const s = start(tracedPlan({ steps: [{ id: 'one' }, { id: 'two' }] }));
    await s.open();
    expect(s.state()?.state).toBe('proposed');
    expect(newest(s, 'proceed/verify')?.status).toBe('queued');
    const delivered = await s.comment('bob', '/proceed');
    expect(delivered).toMatchObject({ handled: { state: 'verified', failed: false } });
    expect(s.state()?.approval).toMatchObject({ by: 'bob', via: 'comment', headSha: s.headSha });
    expect([...startCounts(s.trace())]).toEqual([
      ['one', 1],
      ['two', 1],
      ['verify', 1],
    ]);
    expect(newest(s, 'proceed/verify')?.conclusion).toBe('success');
  });

  it('refuses the author’s own /proceed and runs nothing', async () => {
    const s = start(tracedPlan({ steps: [{ id: 'one' }] }));
    await s.open();
    await s.comment('alice', '/proceed');
    expect(lastComment(s)).toContain('`/proceed` refused');
    expect(s.state()?.state).toBe('proposed');
    expect(s.trace()).toEqual([]);
  });

  it('counts the one who pushed a commit as its author: their own /proceed is refused, naming the commit', async () => {
    const s = start(tracedPlan({ steps: [{ id: 'one' }] }));
    await s.open();
    // bob pushes onto alice's pull request a commit GitHub records no author or committer for.
    const pushed = s.github.push({ 'scripts/one.sh': 'echo bob\n' });
    const pr = s.github.pullRequest;
    await s.deliver(
      'pull_request',
      pullRequestEvent('synchronize', {
        number: NUMBER,
        user: s.author,
        sender: 'bob',
        headSha: pushed,
        baseSha: pr.baseSha,
      }),
    );
    expect(s.state()?.pushers).toEqual([{ login: 'bob', sha: pushed }]);
    await s.comment('bob', '/proceed');
    expect(lastComment(s)).toContain('`/proceed` refused');
    expect(lastComment(s)).toContain(pushed.slice(0, 7));
    expect(s.trace()).toEqual([]);
  });

  it('withdraws the approval of a dismissed review: under a quorum of two, it no longer counts', async () => {
    const s = (scene = new MemoryScene({
      plan: tracedPlan({ steps: [{ id: 'one' }] }),
      policy: 'approvers:\n  count: 2\n',
      permissions: { ...PERMISSIONS, carol: 'write' },
    }));
    await s.open();
    await s.review('bob');
    expect(s.state()?.approvals?.map((a) => a.by)).toEqual(['bob']);
    const review = s.github.reviews().find((r) => r.user?.login === 'bob')!;
    // A bot's dismissal counts too (GitHub's own dismissal of stale approvals, say).
    await s.dismiss('bob', review.id, 'dismiss-bot[bot]', 'Bot');
    expect(s.state()?.approvals).toEqual([]);
    const body = s.github.reviews().find((r) => r.user?.login !== 'bob')!.body;
    expect(body).toContain('The approval of `bob` was withdrawn: `dismiss-bot[bot]` dismissed the review');
    // carol's approval is now the only one: nothing runs.
    await s.comment('carol', '/proceed');
    expect(s.trace()).toEqual([]);
    expect(lastComment(s)).toContain('1 of 2 approvals given');
    // bob approves again: two, and it runs.
    await s.comment('bob', '/proceed');
    expect([...startCounts(s.trace())].map(([id]) => id)).toEqual(['one', 'verify']);
  });

  it('pauses at a checkpoint, and a second /proceed confirms it and runs on', async () => {
    const s = start(tracedPlan({ steps: [{ id: 'one' }, { id: 'two', checkpoint: true }] }));
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.state()).toMatchObject({ state: 'paused', next: 'two' });
    expect(lastComment(s)).toContain('`/proceed` runs step 2 and continues');
    await s.comment('bob', '/proceed');
    expect(s.state()?.state).toBe('verified');
    expect(startCounts(s.trace()).get('one')).toBe(1);
  });

  it('answers a command the state has no use for with "nothing to", from the lifecycle table', async () => {
    const s = start(tracedPlan({ steps: [{ id: 'one' }] }));
    await s.open();
    await s.comment('bob', '/retry');
    expect(lastComment(s)).toContain('There is nothing to retry: the plan is proposed.');
    await s.comment('bob', '/cancel');
    expect(lastComment(s)).toContain('There is nothing to cancel: the plan is proposed.');
  });

  it('rolls back the completed steps newest first after a failure, through the executor', async () => {
    const s = start(
      tracedPlan({
        steps: [
          { id: 'one', rollback: true },
          { id: 'two', rollback: true },
          { id: 'three', body: 'exit 3' },
        ],
      }),
    );
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.state()).toMatchObject({ state: 'failed', next: 'three' });
    expect(lastComment(s)).toContain('`/rollback` undoes the completed steps');
    await s.comment('bob', '/rollback');
    expect(
      s
        .trace()
        .filter((e) => e.id.startsWith('undo-'))
        .map((e) => e.id),
    ).toEqual(['undo-two', 'undo-one']);
    expect(newest(s, 'proceed/rollback-two')?.conclusion).toBe('success');
    expect(s.state()).toMatchObject({ state: 'cancelled', reason: 'rolled back by bob' });
  });

  it('fails the gate, not passes it, when the changed plan file cannot be read as a file at the head', async () => {
    const s = start(tracedPlan({ steps: [{ id: 'one' }] }));
    // GitHub answers a symbolic link's or a submodule's path with no file content.
    const readFile = s.github.readFile.bind(s.github);
    s.github.readFile = async (path, ref) => (path.endsWith('.plan.yml') ? undefined : readFile(path, ref));
    await s.open();
    expect(newest(s, 'proceed/verify')?.conclusion).not.toBe('success');
    expect(newest(s, 'proceed/plan')?.conclusion).toBe('failure');
    expect(JSON.stringify(newest(s, 'proceed/plan'))).toMatch(/regular YAML file/);
    await s.comment('bob', '/proceed');
    expect(s.trace()).toEqual([]);
  });

  it('refuses a plan whose working-directory leads outside the checkout where it is read, so its rollback runs nothing', async () => {
    const plan = [
      'version: 1',
      'title: Escaping rollback',
      'steps:',
      '  - id: one',
      '    name: One',
      '    run: echo "start one" >> "$RUN_LOG"',
      '    working-directory: ../..',
      '    rollback: echo "start undo-one" >> "$RUN_LOG"',
      '  - id: two',
      '    name: Two',
      '    run: exit 1',
      '',
    ].join('\n');
    const s = start(plan);
    await s.open();
    // Refused where the plan is read (FILE:LINE:COL in proceed/plan), so nothing can approve it …
    const planCheck = newest(s, 'proceed/plan');
    expect(planCheck?.conclusion).toBe('failure');
    expect(JSON.stringify(planCheck)).toMatch(/working-directory/);
    expect(s.state()?.approval).toBeUndefined();
    // … nor roll it back; the runtime check at the checkout (the next test) stays behind it.
    await s.comment('bob', '/rollback');
    expect(newest(s, 'proceed/rollback-one')).toBeUndefined();
    expect(s.trace()).toEqual([]);
    expect(lastComment(s)).toMatch(/invalid/);
  });

  it('refuses a rollback whose working directory became a way out of the checkout after its step ran', async () => {
    const plan = [
      'version: 1',
      'title: A step that turns its directory into a link outside',
      'steps:',
      '  - id: one',
      '    name: One',
      '    working-directory: sub',
      '    run: cd .. && rm -rf sub && ln -s "$(dirname "$RUN_LOG")" sub',
      '    rollback: echo "start undo-one" >> "$RUN_LOG"',
      '  - id: two',
      '    name: Two',
      '    run: exit 1',
      '',
    ].join('\n');
    scene = new MemoryScene({ plan, permissions: { ...PERMISSIONS } });
    const s = scene;
    s.github.push({ 'sub/README': 'the directory step one runs in\n' });
    await s.open('synchronize');
    await s.comment('bob', '/proceed');
    expect(s.state()?.state).toBe('failed');
    await s.comment('bob', '/rollback');
    expect(newest(s, 'proceed/rollback-one')?.summary).toContain('leads outside the repository');
    expect(s.trace()).toEqual([]);
  });

  it('cancels a paused plan on /cancel: the gate and the steps not run are cancelled', async () => {
    const s = start(tracedPlan({ steps: [{ id: 'one' }, { id: 'two', checkpoint: true }] }));
    await s.open();
    await s.comment('bob', '/proceed');
    await s.comment('alice', '/cancel');
    expect(s.state()).toMatchObject({ state: 'cancelled', reason: 'cancelled by alice' });
    expect(newest(s, 'proceed/two')?.conclusion).toBe('cancelled');
    expect(newest(s, 'proceed/verify')?.conclusion).toBe('cancelled');
  });

  it('ends a plan that was going as cancelled when the pull request closes, and frees the lock', async () => {
    const s = start(tracedPlan({ steps: [{ id: 'one' }, { id: 'two', checkpoint: true }] }));
    await s.open();
    await s.comment('bob', '/proceed');
    s.github.close();
    await s.open('closed');
    expect(s.state()).toMatchObject({ state: 'cancelled', reason: 'the pull request was closed' });
    expect(s.github.refs().some((r) => r.ref.includes('locks'))).toBe(false);
  });
});
