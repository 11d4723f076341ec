/**
 * `approval_ttl` where an approved run is carried out later (issue 15): the app's `dispatch` executor
 * records the run in the review, and the Action in `mode: execute` runs it only while the approvals
 * still count. In-process over MemoryGitHub; the time is the gate's `now`, not a wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeRequested } from '../../src/gate/handle.js';
import { MemoryScene, NUMBER } from '../support/memory-scene.js';
import { tracedPlan } from '../support/traced-plans.js';

const scenes: MemoryScene[] = [];
afterEach(() => {
  for (const s of scenes.splice(0)) s.cleanup();
});

async function handedOver(): Promise<{
  s: MemoryScene;
  at: number;
  run: Parameters<typeof executeRequested>[1];
}> {
  const s = new MemoryScene({
    plan: tracedPlan({ steps: [{ id: 'one' }], verify: false }),
    policy: 'approval_ttl: 1h\n',
    permissions: { bob: 'write' },
  });
  scenes.push(s);
  const runner = s.env.runner;
  const at = Date.parse('2026-03-01T10:00:00Z');
  s.env.now = () => new Date(at);
  s.env.runner = undefined;
  await s.open();
  await s.comment('bob', '/proceed');
  const stored = s.state()!;
  expect(stored.requested).toMatchObject({ command: 'proceed', by: 'bob' });
  s.env.runner = runner;
  return { s, at, run: { number: NUMBER, headSha: stored.headSha, planHash: stored.planHash } };
}

describe('a handed-over run under approval_ttl', () => {
  it('is refused once its approval is older than approval_ttl, saying how to renew', async () => {
    const { s, at, run } = await handedOver();
    s.env.now = () => new Date(at + 2 * 3600_000);
    const result = await executeRequested(s.env, run);
    expect(result.failed).toBe(true);
    expect(result.summary).toContain(
      'The approval of `bob` is older than `approval_ttl: 1h` and no longer counts; to renew, approve the pull request again or comment `/proceed`.',
    );
    expect(s.trace()).toEqual([]);
  });

  it('runs while the approval still counts', async () => {
    const { s, at, run } = await handedOver();
    s.env.now = () => new Date(at + 10 * 60_000);
    const result = await executeRequested(s.env, run);
    expect(result.failed, result.summary).toBe(false);
    expect(s.trace().map((e) => `${e.kind} ${e.id}`)).toEqual(['start one', 'end one']);
  });
});
