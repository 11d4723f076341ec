/**
 * `decide` rows for the approval rules of issue 15: a quorum (`approvers.count`), code owners
 * (`approvers.codeowners`), a checkpoint's own approvers, and expiry (`approval_ttl`); and a
 * checkpoint never passes by timeout. Pure: the view, the input, the time.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/gate/authorize.js';
import { decide, type CommandInput, type Decision } from '../../src/gate/decide.js';
import { policySchema, type PolicyInput } from '../../src/gate/policy.js';
import type { CodeOwnersView } from '../../src/gate/rules/quorum.js';
import type { ApprovalEntry, StoredState } from '../../src/gate/state.js';
import type { View } from '../../src/gate/view.js';
import type { LifecycleState } from '../../src/plan/lifecycle.js';
import { planSchema } from '../../src/plan/schema.js';

const HEAD = 'a'.repeat(40);
const OLD_HEAD = 'c'.repeat(40);
const NOW = new Date('2026-01-05T00:00:00Z');
const plan = planSchema.parse({
  version: 1,
  title: 'Migrate',
  config: { allow_skip: true },
  steps: [
    { id: 'one', name: 'One', run: 'true' },
    {
      id: 'migrate',
      name: 'Execute migration',
      run: 'true',
      checkpoint: { approvers: { teams: ['octo-org/dba'], count: 1 } },
    },
    {
      id: 'three',
      name: 'Three',
      run: 'true',
      checkpoint: { approvers: { users: ['dave', 'erin'], count: 2 } },
    },
  ],
});

const ACTORS = {
  bob: { login: 'bob', type: 'User', permission: 'write', teams: [] },
  carol: { login: 'carol', type: 'User', permission: 'write', teams: [] },
  dave: { login: 'dave', type: 'User', permission: 'write', teams: [] },
  erin: { login: 'erin', type: 'User', permission: 'write', teams: ['octo-org/dba'] },
} as const satisfies Record<string, Actor>;

const approved = (by: string, at = '2026-01-04T23:00:00Z', headSha = HEAD): ApprovalEntry => ({
  by,
  via: 'comment',
  at,
  headSha,
  planHash: 'hash',
  teams: [],
});

function viewIn(
  state: LifecycleState,
  o: { policy?: PolicyInput; stored?: Partial<StoredState>; codeOwners?: CodeOwnersView } = {},
): View {
  const stored: StoredState = {
    v: 1,
    state,
    planPath: 'deploy/m.plan.yml',
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
            at: '2026-01-04T23:00:00Z',
            headSha: HEAD,
            planBlob: 'blob',
            planHash: 'hash',
          },
        }),
    ...o.stored,
  };
  return {
    pr: {
      number: 7,
      state: 'open',
      merged: false,
      draft: false,
      title: 'Migrate',
      author: { login: 'alice', type: 'User' },
      headSha: HEAD,
      headRef: 'm',
      headRepo: 'octo-org/widgets',
      baseSha: 'b'.repeat(40),
      baseRef: 'main',
      isFork: false,
      htmlUrl: 'https://github.com/octo-org/widgets/pull/7',
    },
    policy: policySchema.parse(o.policy ?? {}),
    policyErrors: [],
    plan: {
      kind: 'valid',
      path: 'deploy/m.plan.yml',
      blobSha: 'blob',
      plan,
      source: '',
      hash: 'hash',
      warnings: [],
    },
    review: undefined,
    stored,
    ...(o.codeOwners ? { codeOwners: o.codeOwners } : {}),
  };
}

const command = (
  c: CommandInput['command'],
  actor: Actor,
  door: CommandInput['door'] = 'comment',
): CommandInput => ({
  kind: 'command',
  command: c,
  actor,
  door,
  now: NOW,
  policyPath: '.github/proceed.yml',
  writtenAt: '2026-01-04T00:00:00Z',
});
const kinds = (d: Decision) => d.effects.map((e) => e.kind);
const reply = (d: Decision) => {
  const c = d.effects.find((e) => e.kind === 'comment');
  return c && 'body' in c ? c.body : '';
};

describe('quorum: approvers.count', () => {
  const policy = { approvers: { count: 2 } };

  it('records one approval and waits, saying how many more are needed', () => {
    const d = decide(viewIn('proposed', { policy }), command('proceed', ACTORS.bob));
    expect(kinds(d)).toEqual(['write-review', 'comment']);
    expect(d.state).toMatchObject({
      state: 'proposed',
      approvals: [{ by: 'bob', via: 'comment', headSha: HEAD }],
    });
    expect(d.state?.approval).toBeUndefined();
    expect(reply(d)).toContain('1 of 2 approvals given: 1 more is needed');
  });

  it('starts on the second distinct approval, a review and a /proceed alike', () => {
    const view = viewIn('proposed', { policy, stored: { approvals: [approved('carol')] } });
    const d = decide(view, command('proceed', ACTORS.bob, 'review'));
    expect(kinds(d)).toEqual(['execute']);
    expect(d.state).toMatchObject({ state: 'approved', approval: { by: 'bob', via: 'review' } });
    expect(d.state?.approvals?.map((a) => a.by)).toEqual(['carol', 'bob']);
  });

  it('counts the same person once', () => {
    const view = viewIn('proposed', { policy, stored: { approvals: [approved('bob')] } });
    expect(kinds(decide(view, command('proceed', ACTORS.bob, 'review')))).toEqual([
      'write-review',
      'comment',
    ]);
  });

  it('does not count an approval of another head', () => {
    const view = viewIn('proposed', {
      policy,
      stored: { approvals: [approved('carol', undefined, OLD_HEAD)] },
    });
    const d = decide(view, command('proceed', ACTORS.bob));
    expect(kinds(d)).toEqual(['write-review', 'comment']);
    expect(d.state?.approvals?.map((a) => a.by)).toEqual(['bob']);
  });

  it("asks the environment's count when it is larger", () => {
    const view = viewIn('proposed', {
      policy: { environments: { production: { approvers: { count: 2 } } } },
      stored: { approvals: [] },
    });
    const withEnv = { ...view, plan: { ...view.plan, plan: { ...plan, environment: 'production' } } } as View;
    const d = decide(withEnv, { ...command('proceed', ACTORS.bob), environmentActor: ACTORS.bob });
    expect(reply(d)).toContain('1 of 2 approvals given');
  });

  it('is voided, all of it, by a push that breaks the binding', () => {
    const view = viewIn('proposed', {
      policy,
      stored: { headSha: OLD_HEAD, approvals: [approved('carol', undefined, OLD_HEAD)] },
    });
    const d = decide(view, { kind: 'push', now: NOW, policyPath: '.github/proceed.yml' });
    expect(d.state?.approvals).toEqual([]);
    expect(d.effects[0]).toMatchObject({
      kind: 'publish-plan',
      binding: { notice: expect.stringContaining('`carol` was reset') },
    });
  });
});

describe('expiry: approval_ttl', () => {
  const policy = { approvers: { count: 2 }, approval_ttl: '72h' };

  it('does not count an approval older than approval_ttl towards a start, and says how to renew', () => {
    const view = viewIn('proposed', {
      policy,
      stored: { approvals: [approved('carol', '2026-01-01T00:00:00Z')] },
    });
    const d = decide(view, command('proceed', ACTORS.bob));
    expect(kinds(d)).toEqual(['write-review', 'comment']);
    expect(reply(d)).toContain('The approval of `carol` is older than `approval_ttl: 72h`');
    expect(reply(d)).toContain('approve the pull request again or comment `/proceed`');
  });

  it('does not resume a failed plan on /retry with an expired approval in the quorum', () => {
    const view = viewIn('failed', {
      policy,
      stored: { next: 'one', approvals: [approved('carol', '2026-01-01T00:00:00Z'), approved('bob')] },
    });
    const d = decide(view, command('retry', ACTORS.bob));
    expect(kinds(d)).not.toContain('execute');
    expect(d.state?.state).toBe('failed');
    expect(reply(d)).toContain('`carol`');
  });

  it('counts a renewed approval', () => {
    const view = viewIn('proposed', {
      policy,
      stored: { approvals: [approved('bob', '2026-01-01T00:00:00Z'), approved('carol')] },
    });
    expect(kinds(decide(view, command('proceed', ACTORS.bob)))).toEqual(['execute']);
  });
});

describe('code owners: approvers.codeowners', () => {
  const codeOwners: CodeOwnersView = {
    mode: 'plan',
    file: '.github/CODEOWNERS',
    paths: [{ path: 'deploy/m.plan.yml', owners: ['@octo-org/dba', '@dave'] }],
    unowned: [],
  };
  const policy = { approvers: { codeowners: 'plan' as const } };

  it('waits for a code owner, naming the owners', () => {
    const d = decide(viewIn('proposed', { policy, codeOwners }), command('proceed', ACTORS.bob));
    expect(kinds(d)).toEqual(['write-review', 'comment']);
    expect(reply(d)).toContain(
      'nobody who approved owns `deploy/m.plan.yml` (owners: `@octo-org/dba`, `@dave`)',
    );
  });

  it('starts when an owner approves, by login or by team', () => {
    expect(
      kinds(decide(viewIn('proposed', { policy, codeOwners }), command('proceed', ACTORS.dave))),
    ).toEqual(['execute']);
    expect(
      kinds(decide(viewIn('proposed', { policy, codeOwners }), command('proceed', ACTORS.erin))),
    ).toEqual(['execute']);
  });

  it('refuses to start without a CODEOWNERS file, saying where it looked', () => {
    const d = decide(
      viewIn('proposed', { policy, codeOwners: { ...codeOwners, file: undefined, paths: [] } }),
      command('proceed', ACTORS.dave),
    );
    expect(kinds(d)).not.toContain('execute');
    expect(reply(d)).toContain('needs a CODEOWNERS file on the base branch');
  });
});

describe("a checkpoint's own approvers", () => {
  const paused = (next: string, extra: Partial<StoredState> = {}) =>
    viewIn('paused', { stored: { next, pausedAt: '2026-01-04T23:59:00Z', ...extra } });

  it('refuses anyone else, saying who may', () => {
    const d = decide(paused('migrate'), command('proceed', ACTORS.bob));
    expect(kinds(d)).toEqual(['comment']);
    expect(reply(d)).toContain(
      '`bob` is not one of the people the plan names for the checkpoint before `migrate`',
    );
    expect(reply(d)).toContain('belong to `octo-org/dba`');
  });

  it('lets a member of its team pass it', () => {
    const d = decide(paused('migrate'), command('proceed', ACTORS.erin));
    expect(kinds(d)).toEqual(['execute']);
  });

  it('refuses a /skip past it from anyone else', () => {
    expect(kinds(decide(paused('migrate'), command('skip', ACTORS.bob)))).toEqual(['comment']);
  });

  it('waits for count confirmations, then resumes', () => {
    const first = decide(paused('three'), command('proceed', ACTORS.dave));
    expect(kinds(first)).toEqual(['write-review', 'comment']);
    expect(reply(first)).toContain(
      'confirmed the checkpoint before `three` (1 of 2): 1 more confirmation is needed',
    );
    const second = decide(
      paused('three', { confirmations: first.state!.confirmations }),
      command('proceed', { ...ACTORS.erin, teams: [] }),
    );
    expect(kinds(second)).toEqual(['execute']);
  });

  it('is still passed only by them once the plan was cancelled there by a timeout', () => {
    const timedOut = viewIn('cancelled', { stored: { next: 'migrate', reason: 'the checkpoint timed out' } });
    const d = decide(timedOut, command('proceed', ACTORS.bob));
    expect(kinds(d)).toEqual(['comment']);
    expect(reply(d)).toContain('not one of the people the plan names for the checkpoint before `migrate`');
    expect(kinds(decide(timedOut, command('proceed', ACTORS.erin)))).toEqual(['execute']);
  });

  it('leaves a plain checkpoint to anyone the policy allows', () => {
    const view = viewIn('paused', { stored: { next: 'one', pausedAt: '2026-01-04T23:59:00Z' } });
    expect(kinds(decide(view, command('proceed', ACTORS.bob)))).toEqual(['execute']);
  });
});

describe('a checkpoint never passes by timeout', () => {
  it('ends an overdue checkpoint with its own approvers, even on its approver’s /proceed', () => {
    const view = viewIn('paused', { stored: { next: 'migrate', pausedAt: '2026-01-01T00:00:00Z' } });
    const d = decide(view, command('proceed', ACTORS.erin));
    expect(kinds(d)).not.toContain('execute');
    expect(d.state).toMatchObject({ state: 'cancelled', confirmed: [] });
    expect(d.effects[0]).toMatchObject({ check: { name: 'proceed/migrate', conclusion: 'timed_out' } });
  });
});
