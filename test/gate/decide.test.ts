/**
 * `decide` as a table: every lifecycle state × every lifecycle command × each class of actor (an
 * approver, the author, an outsider), read against the lifecycle table (src/plan/lifecycle.ts) and
 * `authorize`. Then the edges that are not a table cell: approval, the checkpoint timeout, the
 * recorded comment id, closing; and `intake`'s early ends. `decide` is pure, so no GitHub is needed.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/gate/authorize.js';
import {
  decide,
  environmentApprovers,
  intake,
  type CommandInput,
  type Decision,
} from '../../src/gate/decide.js';
import { DEFAULT_POLICY, policySchema } from '../../src/gate/policy.js';
import type { StoredState } from '../../src/gate/state.js';
import type { View } from '../../src/gate/view.js';
import {
  applies,
  COMMANDS_BY_STATE,
  EDGES,
  LIFECYCLE_COMMANDS,
  LIFECYCLE_STATES,
  offered,
  type LifecycleCommand,
  type LifecycleState,
} from '../../src/plan/lifecycle.js';
import { planSchema } from '../../src/plan/schema.js';

const HEAD = 'a'.repeat(40);
const NOW = new Date('2026-01-02T03:04:05Z');
const plan = planSchema.parse({
  version: 1,
  title: 'Two steps',
  config: { allow_skip: true },
  steps: [
    { id: 'one', name: 'One', run: 'true', rollback: 'true' },
    { id: 'two', name: 'Two', run: 'true' },
  ],
});

function viewIn(state: LifecycleState | undefined, extra: Partial<StoredState> = {}): View {
  const stored: StoredState | undefined = state && {
    v: 1,
    state,
    planPath: 'release.plan.yml',
    planBlob: 'blob',
    planHash: 'hash',
    headSha: HEAD,
    confirmed: [],
    handled: [],
    renderedAt: '2026-01-01T00:00:00Z',
    ...(state === 'proposed'
      ? {}
      : {
          approval: {
            by: 'bob',
            via: 'comment' as const,
            at: '2026-01-01T00:00:00Z',
            headSha: HEAD,
            planBlob: 'blob',
            planHash: 'hash',
          },
        }),
    ...(state === 'paused' || state === 'failed' ? { next: 'two' } : {}),
    ...(state === 'paused' ? { pausedAt: NOW.toISOString() } : {}),
    ...extra,
  };
  return {
    pr: {
      number: 7,
      state: 'open',
      merged: false,
      draft: false,
      title: 'Release',
      author: { login: 'alice', type: 'User' },
      headSha: HEAD,
      headRef: 'release',
      headRepo: 'octo/widgets',
      baseSha: 'b'.repeat(40),
      baseRef: 'main',
      isFork: false,
      htmlUrl: 'https://github.com/octo/widgets/pull/7',
    },
    policy: DEFAULT_POLICY,
    policyErrors: [],
    plan: {
      kind: 'valid',
      path: 'release.plan.yml',
      blobSha: 'blob',
      plan,
      source: '',
      hash: 'hash',
      warnings: [],
    },
    review: undefined,
    stored,
  };
}

const ACTORS = {
  approver: { login: 'bob', type: 'User', permission: 'write', teams: [] },
  author: { login: 'alice', type: 'User', permission: 'write', teams: [] },
  outsider: { login: 'eve', type: 'User', permission: 'read', teams: [] },
} as const satisfies Record<string, Actor>;
type ActorClass = keyof typeof ACTORS;

const command = (
  c: CommandInput['command'],
  actor: Actor,
  extra: Partial<CommandInput> = {},
): CommandInput => ({
  kind: 'command',
  command: c,
  actor,
  door: 'comment',
  now: NOW,
  policyPath: '.github/proceed.yml',
  writtenAt: '2026-01-02T00:00:00Z',
  ...extra,
});
const kinds = (d: Decision) => d.effects.map((e) => e.kind);

/** Who may give a lifecycle command under the default policy: an approver; `/cancel` also the author. */
function allowed(cmd: LifecycleCommand, who: ActorClass): boolean {
  return who === 'approver' || (cmd === 'cancel' && who === 'author');
}

const CELLS = LIFECYCLE_STATES.flatMap((state) =>
  LIFECYCLE_COMMANDS.flatMap((cmd) =>
    (Object.keys(ACTORS) as ActorClass[]).map((who) => ({ state, cmd, who })),
  ),
);

describe('decide: state × command × actor', () => {
  it.each(CELLS)('$cmd from the $who in $state', ({ state, cmd, who }) => {
    const view = viewIn(state);
    const decision = decide(view, command(cmd, ACTORS[who]));
    if (!allowed(cmd, who)) {
      expect(kinds(decision)).toEqual(['comment']);
      expect(decision.effects[0]).toMatchObject({ body: expect.stringContaining(`\`/${cmd}\` refused`) });
      expect(decision.state).toBe(view.stored);
      return;
    }
    if (!applies(state, cmd)) {
      expect(kinds(decision)).toEqual(cmd === 'rollback' ? ['comment'] : ['comment', 'write-review']);
      expect(decision.state?.state).toBe(state);
      return;
    }
    const run = {
      proceed: 'execute',
      retry: 'execute',
      skip: 'execute',
      cancel: 'cancel',
      rollback: 'rollback',
    };
    expect(kinds(decision)).toEqual([run[cmd]]);
    const effect = decision.effects[0]!;
    if (effect.kind === 'execute') expect(effect.trigger).toBe(cmd);
    if ('by' in effect) expect(effect.by).toBe(ACTORS[who].login);
    // The comment is recorded as handled, so a redelivery does nothing twice.
    if ('stored' in effect) expect(effect.stored.handled).toEqual([]);
  });

  it('approves a proposed plan on /proceed: bound to the head and the plan, at the input’s time', () => {
    const decision = decide(viewIn('proposed'), command('proceed', ACTORS.approver, { handledId: 42 }));
    expect(decision.effects).toEqual([
      {
        kind: 'execute',
        trigger: 'proceed',
        by: 'bob',
        door: 'comment',
        stored: expect.objectContaining({
          state: 'approved',
          handled: [42],
          approval: {
            by: 'bob',
            via: 'comment',
            at: NOW.toISOString(),
            headSha: HEAD,
            planBlob: 'blob',
            planHash: 'hash',
          },
        }),
      },
    ]);
  });

  it('ends an overdue checkpoint instead of confirming it: a timed-out check run, the audit record, the review, its deployment, then why', () => {
    const view = viewIn('paused', { pausedAt: '2025-12-01T00:00:00Z' });
    const decision = decide(view, command('proceed', ACTORS.approver));
    expect(kinds(decision)).toEqual(['check-run', 'audit', 'write-review', 'end-deployment', 'comment']);
    expect(decision.state).toMatchObject({ state: 'cancelled', confirmed: [] });
    expect(decision.effects[0]).toMatchObject({ check: { name: 'proceed/two', conclusion: 'timed_out' } });
    expect(decision.effects[1]).toMatchObject({
      stored: { state: 'paused', next: 'two' },
      intervention: { action: 'time-out', by: 'checkpoint_timeout (24h)', state: 'cancelled' },
    });
  });

  it('refuses a comment written before the plan at the head was rendered, and renders it again', () => {
    const view = viewIn('proposed', { renderedAt: '2026-01-02T03:00:00Z' });
    const decision = decide(view, command('proceed', ACTORS.approver, { writtenAt: '2026-01-02T02:00:00Z' }));
    expect(kinds(decision)).toEqual(['publish-plan', 'comment']);
  });

  it('answers /help and /plan in every state, to anyone', () => {
    for (const state of LIFECYCLE_STATES) {
      expect(kinds(decide(viewIn(state), command('help', ACTORS.outsider)))).toEqual(['comment']);
      expect(kinds(decide(viewIn(state), command('plan', ACTORS.outsider)))).toEqual(['publish-plan']);
    }
  });

  it('refuses every lifecycle command on a pull request without a plan (/skip already for want of allow_skip)', () => {
    const view: View = { ...viewIn(undefined), plan: { kind: 'none' } };
    for (const cmd of LIFECYCLE_COMMANDS.filter((c) => c !== 'skip')) {
      const decision = decide(view, command(cmd, ACTORS.approver));
      expect(decision.effects).toEqual([
        { kind: 'comment', body: expect.stringContaining('has no plan file') },
      ]);
    }
  });

  it('cancels a plan that was still going when the pull request closes', () => {
    for (const state of LIFECYCLE_STATES) {
      const decision = decide(viewIn(state), { kind: 'closed', now: NOW, policyPath: '' });
      const going = (EDGES.close.from as readonly string[]).includes(state);
      expect(decision.state?.state).toBe(going ? 'cancelled' : state);
      expect(kinds(decision)).toEqual(going ? ['write-review'] : []);
    }
  });

  it('is pure: the same input gives the same decision, and the view is left as it was', () => {
    const view = viewIn('failed');
    const before = structuredClone(view);
    const input = command('retry', ACTORS.approver, { handledId: 9 });
    expect(decide(view, input)).toEqual(decide(view, input));
    expect(view).toEqual(before);
  });
});

describe('the lifecycle table', () => {
  it('offers only commands it also accepts, and every state has a way on or is final', () => {
    for (const state of LIFECYCLE_STATES) {
      const all = offered(state, { skip: true, rollback: true });
      for (const c of all) expect(applies(state, c)).toBe(true);
      if (state !== 'verified') expect(all.length).toBeGreaterThan(0);
    }
  });

  it('leaves out /skip without allow_skip and /rollback without a rollback command', () => {
    expect(offered('failed', { skip: false, rollback: false })).toEqual(['retry', 'cancel']);
    expect(offered('failed', { skip: true, rollback: true })).toEqual([
      'retry',
      'skip',
      'cancel',
      'rollback',
    ]);
  });

  it('has an edge into every state, and none out of `executing` but by its outcomes', () => {
    const targets = new Set(Object.values(EDGES).map((e) => e.to));
    for (const state of LIFECYCLE_STATES.filter((s) => s !== 'verifying'))
      expect(targets.has(state)).toBe(true);
    const fromExecuting = Object.entries(EDGES)
      .filter(([, e]) => (e.from as readonly string[]).includes('executing'))
      .map(([name]) => name);
    expect(fromExecuting.sort()).toEqual([
      'carry',
      'close',
      'fail',
      'fail-verify',
      'pause',
      'reset',
      'start',
      'stop',
      'verify',
    ]);
    expect(Object.keys(COMMANDS_BY_STATE).sort()).toEqual([...LIFECYCLE_STATES].sort());
  });
});

describe('intake', () => {
  const sender = { login: 'bob', type: 'User' as const };
  it('turns an approving review of an older commit away with a comment', () => {
    const taken = intake(viewIn('proposed'), {
      kind: 'review',
      number: 7,
      reviewId: 5,
      state: 'approved',
      commitId: 'c'.repeat(40),
      sender,
    });
    expect(taken).toMatchObject({ kind: 'done', decision: { effects: [{ kind: 'comment' }] } });
  });

  it('makes an approving review of the head a /proceed through the review door, recorded negated', () => {
    const taken = intake(viewIn('proposed'), {
      kind: 'review',
      number: 7,
      reviewId: 5,
      state: 'approved',
      commitId: HEAD,
      sender,
    });
    expect(taken).toEqual({ kind: 'command', command: 'proceed', sender, door: 'review', handledId: -5 });
  });

  it('does nothing for a comment already handled', () => {
    const taken = intake(viewIn('paused', { handled: [11] }), {
      kind: 'comment',
      number: 7,
      commentId: 11,
      body: '/proceed',
      sender,
    });
    expect(taken).toMatchObject({ kind: 'done', decision: { effects: [] } });
  });

  it('ignores a press of a button that is not live on that check run', () => {
    const taken = intake(
      viewIn('proposed'),
      { kind: 'button', number: 7, checkRunId: 1, identifier: 'retry', headSha: HEAD, sender } as never,
      [],
    );
    expect(taken).toMatchObject({
      kind: 'done',
      decision: { effects: [], summary: expect.stringContaining('no longer applies') },
    });
  });
});

describe("the plan's environment (issue 14)", () => {
  /** A view whose plan names `environment`, under a policy with these `environments`. */
  function inEnvironment(environment: string, environments: Record<string, unknown>): View {
    const view = viewIn('proposed');
    if (view.plan.kind !== 'valid') throw new Error('unreachable');
    return {
      ...view,
      policy: policySchema.parse({ environments }),
      plan: { ...view.plan, plan: { ...view.plan.plan, environment } },
    };
  }
  const releaseTeam = { approvers: { teams: ['octo/release'] } };

  it('refuses an environment the policy does not list, and runs nothing', () => {
    const d = decide(inEnvironment('staging', { production: {} }), command('proceed', ACTORS.approver));
    expect(kinds(d)).toEqual(['comment']);
    expect(d.effects[0]).toMatchObject({ body: expect.stringContaining('does not allow') });
  });

  it("needs the environment's own approvers, read into environmentActor before deciding", () => {
    const view = inEnvironment('production', { production: releaseTeam });
    expect(environmentApprovers(view, 'proceed')).toEqual({
      ...DEFAULT_POLICY.approvers,
      teams: ['octo/release'],
    });
    // Not loaded, or loaded and outside the team: refused.
    expect(kinds(decide(view, command('proceed', ACTORS.approver)))).toEqual(['comment']);
    const outside = decide(view, command('proceed', ACTORS.approver, { environmentActor: ACTORS.approver }));
    expect(outside.effects[0]).toMatchObject({ body: expect.stringContaining('its own approvers') });
    const inTeam = { ...ACTORS.approver, teams: ['octo/release'] };
    expect(kinds(decide(view, command('proceed', ACTORS.approver, { environmentActor: inTeam })))).toEqual([
      'execute',
    ]);
  });

  it('never judges /cancel, nor a plan without an environment', () => {
    const view = inEnvironment('production', { production: releaseTeam });
    expect(environmentApprovers(view, 'cancel')).toBeUndefined();
    expect(environmentApprovers(viewIn('proposed'), 'proceed')).toBeUndefined();
  });
});

describe('decide: the rules against gate bypasses (issue 12)', () => {
  const sender = { login: 'bob', type: 'User' as const };
  const strict = (view: View): View => ({ ...view, policy: { ...DEFAULT_POLICY, self_approval: false } });
  const other = (number: number, author: string, extra: Partial<View> = {}): View => {
    const view = viewIn('proposed');
    return { ...view, pr: { ...view.pr, number, author: { login: author, type: 'User' } }, ...extra };
  };

  it('refuses a run to whoever pushed or committed a commit of the pull request, naming it (attack 5)', () => {
    const contributions = [{ login: 'bob', how: 'pushed' as const, commit: 'c'.repeat(40) }];
    const decision = decide(
      strict(viewIn('proposed')),
      command('proceed', ACTORS.approver, { contributions }),
    );
    expect(decision.effects).toEqual([
      { kind: 'comment', body: expect.stringContaining('`bob` pushed commit `ccccccc`') },
    ]);
    // With self_approval, contributing is no bar.
    const lenient = decide(
      { ...viewIn('proposed'), policy: { ...DEFAULT_POLICY, self_approval: true } },
      command('proceed', ACTORS.approver, { contributions }),
    );
    expect(kinds(lenient)).toEqual(['execute']);
  });

  it('refuses a run the policy of another open pull request on the head refuses, and allows one it allows (attack 1)', () => {
    const refusedThere = {
      view: strict(other(8, 'bob')),
      actor: ACTORS.approver,
      contributions: [],
    };
    const refused = decide(
      viewIn('proposed'),
      command('proceed', ACTORS.approver, { sharedHead: [refusedThere] }),
    );
    expect(refused.effects).toEqual([
      { kind: 'comment', body: expect.stringContaining('is also the head of #8') },
    ]);
    const allowedThere = { view: other(8, 'carol'), actor: ACTORS.approver, contributions: [] };
    expect(
      kinds(decide(viewIn('proposed'), command('proceed', ACTORS.approver, { sharedHead: [allowedThere] }))),
    ).toEqual(['execute']);
    const broken = {
      view: other(9, 'carol', { policyErrors: ['bad'] as never }),
      actor: ACTORS.approver,
      contributions: [],
    };
    expect(
      decide(viewIn('proposed'), command('proceed', ACTORS.approver, { sharedHead: [broken] })).effects,
    ).toEqual([{ kind: 'comment', body: expect.stringContaining('its repository policy is invalid') }]);
    // /help and /cancel start nothing, so another pull request's policy does not matter to them.
    expect(
      kinds(decide(viewIn('paused'), command('cancel', ACTORS.approver, { sharedHead: [refusedThere] }))),
    ).toEqual(['cancel']);
  });

  it('acts on /proceed <sha> only while that commit is the head (attack 10)', () => {
    const moved = decide(viewIn('proposed'), command('proceed', ACTORS.approver, { pin: 'ccccccc' }));
    expect(moved.effects).toEqual([
      { kind: 'comment', body: expect.stringContaining('names commit `ccccccc`') },
    ]);
    expect(moved.state).toEqual(viewIn('proposed').stored);
    expect(
      kinds(decide(viewIn('proposed'), command('proceed', ACTORS.approver, { pin: HEAD.slice(0, 7) }))),
    ).toEqual(['execute']);
  });

  it('moves the watermark of comments and reviews with each command acted on (attack 4)', () => {
    const byComment = decide(viewIn('proposed'), command('proceed', ACTORS.approver, { handledId: 42 }));
    expect(byComment.effects[0]).toMatchObject({ stored: { handled: [42], lastComment: 42 } });
    const byReview = decide(
      viewIn('proposed'),
      command('proceed', ACTORS.approver, { handledId: -5, door: 'review' }),
    );
    expect(byReview.effects[0]).toMatchObject({ stored: { handled: [-5], lastReview: 5 } });
  });

  it('remembers who pushed the head, and renders with that binding (attack 5)', () => {
    const decision = decide(viewIn('proposed'), { kind: 'push', pusher: 'carol', now: NOW, policyPath: '' });
    expect(decision.state?.pushers).toEqual([{ login: 'carol', sha: HEAD }]);
    expect(decision.effects).toEqual([
      { kind: 'publish-plan', reports: true, binding: expect.objectContaining({ stored: decision.state }) },
    ]);
    expect(
      intake(viewIn('proposed'), { kind: 'pull_request', action: 'synchronize', number: 7, sender }),
    ).toEqual({
      kind: 'push',
      pusher: 'bob',
    });
    expect(intake(viewIn('proposed'), { kind: 'pull_request', action: 'opened', number: 7, sender })).toEqual(
      {
        kind: 'push',
      },
    );
  });

  it('turns away a comment below the watermark or written before the last change of state (attack 4)', () => {
    const below = intake(viewIn('paused', { lastComment: 50 }), {
      kind: 'comment',
      number: 7,
      commentId: 40,
      body: '/proceed',
      sender,
    });
    expect(below).toMatchObject({
      kind: 'done',
      decision: {
        effects: [
          { kind: 'comment', body: expect.stringContaining('older than a command already acted on') },
        ],
      },
    });
    const before = intake(viewIn('paused', { changedAt: '2026-01-02T03:00:00Z' }), {
      kind: 'comment',
      number: 7,
      commentId: 60,
      body: '/proceed',
      sender,
      createdAt: '2026-01-02T02:00:00Z',
    });
    expect(before).toMatchObject({
      kind: 'done',
      decision: {
        effects: [
          { kind: 'comment', body: expect.stringContaining('written before the plan became paused') },
        ],
      },
    });
    // /help is answered however old.
    expect(
      intake(viewIn('paused', { lastComment: 50 }), {
        kind: 'comment',
        number: 7,
        commentId: 40,
        body: '/help',
        sender,
      }),
    ).toMatchObject({ kind: 'command', command: 'help' });
    // The watermark itself is a redelivery: nothing to say.
    expect(
      intake(viewIn('paused', { lastComment: 50 }), {
        kind: 'comment',
        number: 7,
        commentId: 50,
        body: '/proceed',
        sender,
      }),
    ).toMatchObject({ kind: 'done', decision: { effects: [] } });
  });

  it('turns away an approving review older than one acted on, and reads the pin of /proceed <sha>', () => {
    const review = intake(viewIn('paused', { lastReview: 9 }), {
      kind: 'review',
      number: 7,
      reviewId: 5,
      state: 'approved',
      commitId: HEAD,
      sender,
    });
    expect(review).toMatchObject({ kind: 'done', decision: { effects: [{ kind: 'comment' }] } });
    expect(
      intake(viewIn('proposed'), {
        kind: 'comment',
        number: 7,
        commentId: 3,
        body: '/proceed ABCDEF1',
        sender,
      }),
    ).toMatchObject({ kind: 'command', command: 'proceed', pin: 'abcdef1' });
  });
});

describe('decide: a dismissed approving review (issue 15)', () => {
  const sender = { login: 'alice', type: 'User' as const };
  const byReview = {
    by: 'bob',
    via: 'review' as const,
    at: '2026-01-01T00:00:00Z',
    headSha: HEAD,
    planBlob: 'blob',
    planHash: 'hash',
  };
  const withdraw = { kind: 'withdraw' as const, reviewer: 'bob', by: 'alice', now: NOW, policyPath: '' };
  const entry = (by: string, via: 'review' | 'comment') => ({
    by,
    via,
    at: '2026-01-01T00:00:00Z',
    headSha: HEAD,
    planHash: 'hash',
    teams: [],
  });

  it('turns a dismissal into a withdrawal of the reviewer’s approval', () => {
    expect(
      intake(viewIn('approved'), {
        kind: 'review-dismissed',
        number: 7,
        reviewId: 5,
        reviewer: 'bob',
        sender,
      }),
    ).toEqual({ kind: 'withdraw', reviewer: 'bob', by: sender.login });
  });

  it.each<[string, LifecycleState, LifecycleState]>([
    ['approved, nothing run: back to proposed', 'approved', 'proposed'],
    ['paused part-way: stays paused, the next /proceed approves anew', 'paused', 'paused'],
    ['failed: stays failed', 'failed', 'failed'],
  ])('%s', (_, from, to) => {
    const d = decide(viewIn(from, { approval: byReview }), withdraw);
    expect(d.state?.state).toBe(to);
    expect(d.state?.approval).toBeUndefined();
    expect(d.effects).toEqual([
      {
        kind: 'publish-plan',
        reports: true,
        binding: {
          stored: d.state,
          notice: expect.stringContaining('The approval of `bob` was withdrawn: `alice` dismissed'),
        },
      },
    ]);
  });

  it.each<LifecycleState>(['executing', 'verifying', 'verified'])(
    'neither stops nor undoes a plan that is %s',
    (state) => {
      const d = decide(viewIn(state, { approval: byReview }), withdraw);
      expect(d.effects).toEqual([]);
      expect(d.state?.approval).toEqual(byReview);
    },
  );

  it('removes the reviewer’s quorum entry given by review, not one given by comment, nor others’', () => {
    const quorum = [entry('bob', 'review'), entry('carol', 'comment')];
    const d = decide(viewIn('proposed', { approvals: quorum }), withdraw);
    expect(d.state?.approvals).toEqual([entry('carol', 'comment')]);
    const byComment = decide(viewIn('proposed', { approvals: [entry('bob', 'comment')] }), withdraw);
    expect(byComment.effects).toEqual([]);
    expect(byComment.state?.approvals).toEqual([entry('bob', 'comment')]);
  });

  it('leaves an approval given by /proceed alone: only a review can be dismissed', () => {
    const d = decide(viewIn('approved'), withdraw);
    expect(d.effects).toEqual([]);
    expect(d.state?.approval?.via).toBe('comment');
  });
});
