/**
 * Cancelling a running execution through the Action door (issue 12, attack 11): every workflow posts
 * as `github-actions[bot]`, so a cancel request in that account's comment proves nothing about who
 * asked, even when it names a real maintainer; a maintainer's own `/cancel` still stops the run.
 * The committed bundle against the OpenAPI-checked fake and a real git server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_BOT, ActionScene } from '../support/action-scene.js';
import { sleep, until } from '../support/processes.js';
import { tracedPlan } from '../support/traced-plans.js';

/** Step two waits while $HOLD_FLAG exists (at most a minute), so something can happen while it runs. */
const HOLD = 'touch "$HOLD_FLAG"; for i in $(seq 1 1200); do [ -e "$HOLD_FLAG" ] || break; sleep 0.05; done';
const PLAN = tracedPlan({ steps: [{ id: 'one' }, { id: 'two', body: HOLD }, { id: 'three' }] });

let scene: ActionScene | undefined;
afterEach(async () => {
  scene?.releaseHold();
  await scene?.dispose();
  scene = undefined;
});

const started = (s: ActionScene) =>
  s
    .trace()
    .filter((e) => e.kind === 'start')
    .map((e) => e.id);

async function runningStepTwo(): Promise<{ s: ActionScene; run: ReturnType<ActionScene['startComment']> }> {
  const s = (scene = await ActionScene.create({ plan: PLAN, writers: ['bob', 'carol'] }));
  await s.pullRequest('opened');
  const run = s.startComment('bob', '/proceed');
  await until(() => started(s).includes('two'), 60_000, 'step two');
  return { s, run };
}

describe('cancelling a running execution in the Action door', { timeout: 180_000 }, () => {
  it('does not stop for a github-actions[bot] cancel request naming a real maintainer', async () => {
    const { s, run } = await runningStepTwo();
    s.fake.addComment(s.number, {
      user: ACTION_BOT,
      body: '### ⊘ Cancel requested\n\n`carol` pressed **Cancel**.\n\n<!-- proceed:cancel-request by=carol -->',
    });
    // Several of the watcher's looks (PROCEED_POLL_INTERVAL_MS of the scene) pass while step two holds.
    await sleep(800);
    s.releaseHold();
    await run.exit;
    expect(started(s)).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
  });

  it("stops at carol's own /cancel, while step two runs", async () => {
    const { s, run } = await runningStepTwo();
    // Her workflow run, in a concurrency group of her own, finds the execution running elsewhere.
    const asked = await s.comment('carol', '/cancel');
    expect(asked.code).toBe(0);
    await run.exit;
    expect(started(s)).not.toContain('three');
    expect(s.state()).toMatchObject({ state: 'cancelled' });
    expect(s.state()?.reason).toMatch(/carol/);
  });
});
