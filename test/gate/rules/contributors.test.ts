import { describe, expect, it } from 'vitest';
import { authorize, type AuthorizeInput } from '../../../src/gate/authorize.js';
import { contributionsOf, contributorRefusal, withPusher } from '../../../src/gate/rules/contributors.js';
import { DEFAULT_POLICY } from '../../../src/gate/policy.js';
import type { StoredState } from '../../../src/gate/state.js';

const commits = [
  { sha: '1'.repeat(40), author: 'alice', committer: 'alice' },
  { sha: '2'.repeat(40), author: 'carol', committer: 'web-flow' },
];

describe('who counts as an author for self_approval: false', () => {
  it.each([
    ['alice', 'authored', '1111111'],
    ['carol', 'authored', '2222222'],
    ['web-flow', 'committed', '2222222'],
    ['bob', 'pushed', '3333333'],
  ])('%s %s commit %s', (login, how, commit) => {
    const found = contributionsOf(commits, [{ login: 'bob', sha: '3'.repeat(40) }]);
    expect(contributorRefusal(login, found)).toContain(`${how} commit \`${commit}\``);
  });

  it('leaves out someone who did none of it', () => {
    expect(contributorRefusal('dave', contributionsOf(commits, []))).toBeUndefined();
  });

  it('keeps the newest pushers, one per commit', () => {
    const stored = { pushers: [] } as unknown as StoredState;
    const once = withPusher(stored, 'bob', 'x');
    expect(withPusher(once, 'carol', 'x').pushers).toEqual([{ login: 'carol', sha: 'x' }]);
  });
});

describe('authorize with contributions', () => {
  const input = (o: Partial<AuthorizeInput>): AuthorizeInput => ({
    command: 'proceed',
    actor: { login: 'bob', type: 'User', permission: 'write', teams: [] },
    prAuthor: 'alice',
    isFork: false,
    policy: DEFAULT_POLICY,
    allowSkip: false,
    door: 'comment',
    ...o,
  });
  const pushed = [{ login: 'bob', how: 'pushed' as const, commit: '3'.repeat(40) }];

  it.each([
    ['refuses a pusher under self_approval: false', input({ contributions: pushed }), false],
    [
      'allows a pusher under self_approval: true',
      input({ contributions: pushed, policy: { ...DEFAULT_POLICY, self_approval: true } }),
      true,
    ],
    ['allows someone who did not contribute', input({ contributions: [] }), true],
    ['lets a contributor cancel', input({ command: 'cancel', contributions: pushed }), true],
  ])('%s', (_what, i, allowed) => {
    expect(authorize(i).allowed).toBe(allowed);
  });
});
