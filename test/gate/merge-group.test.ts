/**
 * The merge queue's decision (gate/merge-group.ts), without I/O: which pull requests a group holds,
 * each pull request's standing in every state the gate can leave it in, and the verdict.
 */
import { describe, expect, it } from 'vitest';
import type { CheckRunInfo } from '../../src/gate/port.js';
import {
  groupMembers,
  groupVerifications,
  judgeMergeGroup,
  memberStanding,
  parseQueueBranch,
} from '../../src/gate/merge-group.js';
import { DEFAULT_POLICY, policySchema } from '../../src/gate/policy.js';
import type { StoredState } from '../../src/gate/state.js';
import type { View } from '../../src/gate/view.js';
import { parsePlan } from '../../src/plan/parse.js';

const BASE = 'b'.repeat(40);
const E1 = '1'.repeat(40);
const E2 = '2'.repeat(40);
const HEAD = 'c'.repeat(40);
const OLD = 'd'.repeat(40);

const queue = (n: number, parent: string) => `refs/heads/gh-readonly-queue/main/pr-${n}-${parent}`;

describe('the pull requests of a merge group', () => {
  it('parses the queue branch GitHub names in head_ref, with or without refs/heads/', () => {
    expect(parseQueueBranch(queue(104, BASE))).toEqual({ base: 'main', number: 104, parentSha: BASE });
    expect(parseQueueBranch(`gh-readonly-queue/release/v2/pr-7-${BASE}`)).toEqual({
      base: 'release/v2',
      number: 7,
      parentSha: BASE,
    });
    expect(parseQueueBranch('refs/heads/feature/pr-7-abc')).toBeUndefined();
  });

  it.each([
    ['one entry built on the base', queue(3, BASE), [], { numbers: [3] }],
    [
      'three entries, oldest first',
      queue(9, E2),
      [
        { ref: queue(5, BASE), sha: E1 },
        { ref: queue(7, E1), sha: E2 },
        { ref: queue(9, E2), sha: HEAD },
        { ref: 'refs/heads/gh-readonly-queue/other/pr-1-' + BASE, sha: E1 },
      ],
      { numbers: [5, 7, 9] },
    ],
    [
      'a forged queue branch on an entry commit is judged as well',
      queue(9, E1),
      [
        { ref: queue(5, BASE), sha: E1 },
        { ref: queue(6, BASE), sha: E1 },
      ],
      { numbers: [5, 6, 9] },
    ],
  ])('%s', (_name, headRef, refs, expected) => {
    expect(groupMembers({ headRef, baseSha: BASE }, refs)).toEqual(expected);
  });

  it.each([
    ['a head_ref that is no queue branch', 'refs/heads/main', [], /not a merge queue branch/],
    ['an entry ahead that is gone', queue(9, E1), [], /not among the queue's branches/],
    [
      'two parents for one entry',
      queue(9, E1),
      [
        { ref: queue(5, BASE), sha: E1 },
        { ref: queue(6, OLD), sha: E1 },
      ],
      /different parents/,
    ],
  ])('fails closed on %s', (_name, headRef, refs, problem) => {
    const found = groupMembers({ headRef, baseSha: BASE }, refs);
    expect('problem' in found && found.problem).toMatch(problem);
  });
});

const PLAN = 'version: 1\ntitle: T\nsteps:\n  - name: Go\n    run: ./go.sh\nverify:\n  unit: npm test\n';
const parsed = parsePlan(PLAN, 'x.plan.yml');
if (!parsed.ok) throw new Error('fixture plan is invalid');

function stored(over: Partial<StoredState> = {}): StoredState {
  return {
    v: 1,
    state: 'verified',
    planPath: 'x.plan.yml',
    planBlob: 'blob1',
    planHash: parsed.ok ? parsed.hash : '',
    headSha: HEAD,
    approval: {
      by: 'bob',
      via: 'comment',
      at: '2026-01-01T00:00:00Z',
      headSha: HEAD,
      planBlob: 'blob1',
      planHash: parsed.ok ? parsed.hash : '',
    },
    confirmed: [],
    handled: [],
    ...over,
  };
}

function view(
  over: { plan?: View['plan']; stored?: StoredState | undefined; state?: 'open' | 'closed' } = {},
): View {
  return {
    pr: {
      number: 7,
      state: over.state ?? 'open',
      merged: false,
      draft: false,
      title: 't',
      author: { login: 'alice', type: 'User' },
      headSha: HEAD,
      headRef: 'feature',
      headRepo: 'octo-org/widgets',
      baseSha: BASE,
      baseRef: 'main',
      isFork: false,
      htmlUrl: 'https://github.com/octo-org/widgets/pull/7',
    },
    policy: DEFAULT_POLICY,
    policyErrors: [],
    plan:
      over.plan ??
      (parsed.ok
        ? {
            kind: 'valid',
            path: 'x.plan.yml',
            blobSha: 'blob1',
            plan: parsed.plan,
            source: parsed.source,
            hash: parsed.hash,
            warnings: [],
          }
        : { kind: 'none' }),
    review: undefined,
    stored: 'stored' in over ? over.stored : stored(),
  };
}

function gate(conclusion: CheckRunInfo['conclusion'] = 'success'): CheckRunInfo {
  return {
    id: 1,
    name: 'proceed/verify',
    headSha: HEAD,
    status: conclusion ? 'completed' : 'queued',
    conclusion,
    externalId: null,
    startedAt: null,
    completedAt: null,
    title: null,
    summary: null,
    appSlug: 'github-actions',
  };
}

describe("a pull request's standing in its merge group", () => {
  it.each<[string, View, CheckRunInfo | undefined, boolean, RegExp]>([
    [
      'verified on its head, approval bound, gate passed',
      view(),
      gate(),
      true,
      /is verified on `ccccccc` \(approved by `bob`\)/,
    ],
    ['no plan at all', view({ plan: { kind: 'none' } }), undefined, true, /has no plan: nothing to gate/],
    ['closed', view({ state: 'closed' }), gate(), false, /is closed/],
    [
      'two plans',
      view({ plan: { kind: 'many', paths: ['a.plan.yml', 'b.plan.yml'] } }),
      gate(),
      false,
      /more than one plan/,
    ],
    [
      'an invalid plan',
      view({ plan: { kind: 'invalid', path: 'x.plan.yml', blobSha: 'b', errors: [], warnings: [] } }),
      gate(),
      false,
      /invalid plan/,
    ],
    ['never rendered', view({ stored: undefined }), undefined, false, /never rendered/],
    [
      're-pushed after verification (push not yet handled)',
      view({ stored: stored({ headSha: OLD, approval: { ...stored().approval!, headSha: OLD } }) }),
      gate(),
      false,
      /was pushed to \(`ccccccc`\) after its plan was last judged on `ddddddd`/,
    ],
    [
      're-pushed, approval reset to proposed',
      view({ stored: stored({ state: 'proposed', approval: undefined }) }),
      gate(),
      false,
      /has its plan proposed on `ccccccc`, not verified/,
    ],
    [
      'approved but not executed',
      view({ stored: stored({ state: 'approved' }) }),
      undefined,
      false,
      /approved on .*not verified/,
    ],
    [
      'its verify phase failed',
      view({ stored: stored({ state: 'verify-failed' }) }),
      gate('failure'),
      false,
      /verify failed/,
    ],
    [
      'the plan changed under a kept approval',
      view({ stored: stored({ approval: { ...stored().approval!, planHash: 'other' } }) }),
      gate(),
      false,
      /no longer binds/,
    ],
    ['verified, but no passing gate of its own', view(), undefined, false, /no passing `proceed\/verify`/],
    ['verified, but the gate failed since', view(), gate('failure'), false, /no passing `proceed\/verify`/],
  ])('%s', (_name, v, g, ok, why) => {
    const standing = memberStanding(v, g);
    expect(standing.ok).toBe(ok);
    expect(standing.why).toMatch(why);
  });

  it('is judged under its own base policy: an invalid one blocks it', () => {
    const v = view();
    v.policyErrors = [
      { severity: 'error', file: '.github/proceed.yml', line: 1, col: 1, path: 'x', message: 'unknown key' },
    ];
    expect(memberStanding(v, gate())).toMatchObject({
      ok: false,
      why: expect.stringMatching(/invalid policy/),
    });
  });
});

describe('the verdict on the group', () => {
  it('passes when every pull request stands, naming each', () => {
    const verdict = judgeMergeGroup({ numbers: [5, 7] }, [
      { number: 5, ok: true, why: 'is verified on `aaaaaaa`.' },
      { number: 7, ok: true, why: 'has no plan: nothing to gate.' },
    ]);
    expect(verdict).toMatchObject({ conclusion: 'success', title: '2 pull requests verified' });
    expect(verdict.summary).toContain('- ✅ #5 is verified on `aaaaaaa`.');
  });

  it('fails naming the pull request and why', () => {
    const verdict = judgeMergeGroup({ numbers: [5, 7] }, [
      { number: 5, ok: true, why: 'is verified.' },
      { number: 7, ok: false, why: 'has its plan proposed on `ccccccc`, not verified.' },
    ]);
    expect(verdict).toMatchObject({ conclusion: 'failure', title: '#7 is not verified' });
    expect(verdict.summary).toContain('- ❌ #7 has its plan proposed on `ccccccc`, not verified.');
  });

  it('fails when the group could not be read', () => {
    expect(judgeMergeGroup({ problem: 'the queue is gone.' }, [])).toMatchObject({
      conclusion: 'failure',
      summary: expect.stringContaining('The queue is gone. Remove the pull request from the queue'),
    });
  });
});

describe("the verifications re-verify runs on the group's commit", () => {
  it("runs the policy's first, each plan's own once, and renames a clash", () => {
    const policy = policySchema.parse({ verify: { tests: 'npm test' } });
    expect(
      groupVerifications(policy, [
        { number: 5, verify: { tests: 'true', lint: 'npm run lint' } },
        { number: 7, verify: { lint: 'npm run lint', counts: './count.sh' } },
        { number: 9, verify: { counts: './other.sh' } },
      ]),
    ).toEqual({ tests: 'npm test', lint: 'npm run lint', counts: './count.sh', 'counts-pr9': './other.sh' });
  });
});
