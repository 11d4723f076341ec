/** The quorum of approvals (issue 15): count, expiry, code owners, and what a push voids. */
import { describe, expect, it } from 'vitest';
import { policySchema } from '../../../src/gate/policy.js';
import {
  approvalEntry,
  approvalNeed,
  approvalsBlock,
  liveApprovals,
  quorumStatus,
  recordApproval,
  shortfallWords,
  type CodeOwnersView,
} from '../../../src/gate/rules/quorum.js';
import type { StoredState } from '../../../src/gate/state.js';

const HEAD = 'a'.repeat(40);
const NOW = new Date('2026-01-05T00:00:00Z');
const at = (iso: string) => new Date(iso);
const bob = approvalEntry('bob', 'comment', at('2026-01-04T23:00:00Z'), HEAD, 'hash', []);
const carol = approvalEntry('carol', 'review', at('2026-01-04T23:30:00Z'), HEAD, 'hash', ['octo-org/dba']);
const old = approvalEntry('dave', 'comment', at('2026-01-01T00:00:00Z'), HEAD, 'hash', []);

describe('approvalNeed', () => {
  it('is one approval by default, the larger of the policy and the environment count otherwise', () => {
    expect(approvalNeed(policySchema.parse({}), undefined, undefined)).toEqual({ count: 1 });
    const policy = policySchema.parse({
      approvers: { count: 2 },
      approval_ttl: '72h',
      environments: { production: { approvers: { count: 3 } }, staging: {} },
    });
    expect(approvalNeed(policy, 'production', undefined)).toEqual({
      count: 3,
      ttl: { text: '72h', ms: 72 * 3600_000 },
    });
    expect(approvalNeed(policy, 'staging', undefined).count).toBe(2);
  });

  it('refuses a count below 1 or above 10 in the policy', () => {
    expect(policySchema.safeParse({ approvers: { count: 0 } }).success).toBe(false);
    expect(policySchema.safeParse({ approvers: { count: 11 } }).success).toBe(false);
    expect(policySchema.safeParse({ approvers: { count: 1.5 } }).success).toBe(false);
    expect(policySchema.safeParse({ approvers: { codeowners: 'everyone' } }).success).toBe(false);
    expect(policySchema.safeParse({ approval_ttl: '3 days' }).success).toBe(false);
  });
});

describe('recordApproval and liveApprovals', () => {
  it('keeps one approval per person, the newest', () => {
    const again = approvalEntry('BOB', 'review', NOW, HEAD, 'hash', []);
    expect(recordApproval([bob, carol], again).map((a) => [a.by, a.via])).toEqual([
      ['carol', 'review'],
      ['BOB', 'review'],
    ]);
  });

  it('voids approvals of another head (bind_approval_to: head) or another plan', () => {
    const stored = { approvals: [bob, { ...carol, headSha: 'b'.repeat(40) }, { ...old, planHash: 'x' }] };
    const live = liveApprovals(stored as StoredState, { headSha: HEAD, planHash: 'hash', bindTo: 'head' });
    expect(live.map((a) => a.by)).toEqual(['bob']);
    const byPlan = liveApprovals(stored as StoredState, { headSha: HEAD, planHash: 'hash', bindTo: 'plan' });
    expect(byPlan.map((a) => a.by)).toEqual(['bob', 'carol']);
  });
});

describe('quorumStatus', () => {
  it('needs count distinct approvals, and says how many more', () => {
    const need = { count: 2 };
    const one = quorumStatus([bob], need, NOW);
    expect(one).toMatchObject({ satisfied: false, missing: 1 });
    expect(shortfallWords(one, need)).toContain('1 of 2 approvals given: 1 more is needed');
    expect(quorumStatus([bob, carol], need, NOW).satisfied).toBe(true);
  });

  it('does not count an approval older than approval_ttl, and says how to renew it', () => {
    const need = { count: 2, ttl: { text: '72h', ms: 72 * 3600_000 } };
    const status = quorumStatus([old, bob], need, NOW);
    expect(status).toMatchObject({ satisfied: false, missing: 1 });
    expect(status.expired.map((a) => a.by)).toEqual(['dave']);
    expect(shortfallWords(status, need)).toContain(
      'The approval of `dave` is older than `approval_ttl: 72h` and no longer counts; to renew, approve the pull request again or comment `/proceed`.',
    );
  });

  const owners = (extra: Partial<CodeOwnersView> = {}): CodeOwnersView => ({
    mode: 'changed-files',
    file: '.github/CODEOWNERS',
    paths: [
      { path: 'deploy/a.plan.yml', owners: ['@octo-org/dba'] },
      { path: 'scripts/m.sh', owners: ['@dave', 'ops@example.com'] },
    ],
    unowned: [],
    ...extra,
  });

  it('needs an owner of every path among the approvers, and names the owners missing', () => {
    const need = { count: 1, codeowners: owners() };
    const status = quorumStatus([carol], need, NOW);
    expect(status.ownersMissing.map((p) => p.path)).toEqual(['scripts/m.sh']);
    expect(shortfallWords(status, need)).toContain(
      'nobody who approved owns `scripts/m.sh` (owners: `@dave`, `ops@example.com`)',
    );
    const dave = approvalEntry('dave', 'comment', NOW, HEAD, 'hash', []);
    expect(quorumStatus([carol, dave], need, NOW).satisfied).toBe(true);
  });

  it('cannot be met without a CODEOWNERS file, or with an unowned plan file, and says what to do', () => {
    const none = { count: 1, codeowners: owners({ file: undefined, paths: [] }) };
    expect(quorumStatus([bob], none, NOW).satisfied).toBe(false);
    expect(shortfallWords(quorumStatus([bob], none, NOW), none)).toMatch(
      /needs a CODEOWNERS file on the base branch, and there is none \(looked for `.github\/CODEOWNERS`, `CODEOWNERS`, `docs\/CODEOWNERS`\)/,
    );
    const unowned = { count: 1, codeowners: owners({ mode: 'plan', paths: [], unowned: ['a.plan.yml'] }) };
    expect(shortfallWords(quorumStatus([bob], unowned, NOW), unowned)).toContain(
      'no line of `.github/CODEOWNERS` on the base branch gives it one',
    );
  });
});

describe('approvalsBlock', () => {
  it('shows who approved, on which commit, until when, and what is still needed', () => {
    const need = { count: 2, ttl: { text: '72h', ms: 72 * 3600_000 } };
    const block = approvalsBlock([old, bob], need, NOW);
    expect(block).toContain('**Approvals:** 2 needed; each counts for `approval_ttl: 72h`');
    expect(block).toContain(
      '- `bob` approved `aaaaaaa` by `/proceed` at 2026-01-04T23:00:00.000Z (counts until',
    );
    expect(block).toContain(
      '- `dave` approved `aaaaaaa` by `/proceed` at 2026-01-01T00:00:00.000Z (expired at',
    );
    expect(block).toContain('1 more is needed');
  });
});
