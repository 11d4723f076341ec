import { describe, expect, it } from 'vitest';
import {
  authorize,
  describeWhoMay,
  PERMISSIONS,
  type Actor,
  type AuthorizeInput,
  type Door,
  type Permission,
} from '../../src/gate/authorize.js';
import { COMMANDS, type CommandName } from '../../src/gate/commands.js';
import { DEFAULT_POLICY, policySchema, type Policy, type PolicyInput } from '../../src/gate/policy.js';

const policy = (input: PolicyInput): Policy => policySchema.parse(input);
const AUTHOR = 'alice';

/**
 * Everyone who might comment: the author, a listed user (carol), a member of a listed team (dave) and
 * an outsider (erin), each with every permission; plus a bot and an organization with admin.
 */
const IDENTITIES = {
  alice: [],
  carol: [],
  dave: ['octo/sre'],
  erin: ['octo/web'],
} as const satisfies Record<string, readonly string[]>;
type Person = keyof typeof IDENTITIES;
const PEOPLE = Object.keys(IDENTITIES) as Person[];

const ACTORS: Actor[] = [
  ...PEOPLE.flatMap((login) =>
    PERMISSIONS.map((permission): Actor => ({
      login,
      type: 'User',
      permission,
      teams: [...IDENTITIES[login]],
    })),
  ),
  { login: 'deploy-bot[bot]', type: 'Bot', permission: 'admin', teams: [] },
  { login: 'octo', type: 'Organization', permission: 'admin', teams: [] },
];
const key = (actor: Actor) => `${actor.login}:${actor.permission}`;

/** `who` with `minimum` permission or more, as actor keys. */
function withAtLeast(who: readonly string[], minimum: Permission): string[] {
  const from = PERMISSIONS.indexOf(minimum);
  return who.flatMap((login) => PERMISSIONS.slice(from).map((permission) => `${login}:${permission}`));
}
const ALL = ACTORS.map(key);

const POLICIES: Record<string, { policy: Policy; approvers: string[] }> = {
  default: { policy: DEFAULT_POLICY, approvers: withAtLeast(['carol', 'dave', 'erin'], 'write') },
  'maintain floor': {
    policy: policy({ approvers: { permission: 'maintain' } }),
    approvers: withAtLeast(['carol', 'dave', 'erin'], 'maintain'),
  },
  'admin floor': {
    policy: policy({ approvers: { permission: 'admin' } }),
    approvers: withAtLeast(['carol', 'dave', 'erin'], 'admin'),
  },
  'users allowlist': {
    policy: policy({ approvers: { users: ['Carol'] } }),
    approvers: withAtLeast(['carol'], 'write'),
  },
  'teams allowlist': {
    policy: policy({ approvers: { teams: ['OCTO/sre'] } }),
    approvers: withAtLeast(['dave'], 'write'),
  },
  'users and teams allowlists': {
    policy: policy({ approvers: { users: ['carol'], teams: ['octo/sre'] } }),
    approvers: withAtLeast(['carol', 'dave'], 'write'),
  },
  'allowlist naming the author': {
    policy: policy({ approvers: { users: ['alice', 'carol'] } }),
    approvers: withAtLeast(['carol'], 'write'),
  },
  'self approval': {
    policy: policy({ self_approval: true }),
    approvers: withAtLeast(['alice', 'carol', 'dave', 'erin'], 'write'),
  },
  'self approval with an allowlist and a maintain floor': {
    policy: policy({ self_approval: true, approvers: { permission: 'maintain', users: ['alice', 'carol'] } }),
    approvers: withAtLeast(['alice', 'carol'], 'maintain'),
  },
  'forks allowed': {
    policy: policy({ forks: true }),
    approvers: withAtLeast(['carol', 'dave', 'erin'], 'write'),
  },
};

const DOOR_CARRIES: Record<Door, readonly CommandName[]> = {
  comment: COMMANDS,
  review: ['proceed'],
  button: ['proceed', 'retry', 'cancel'],
};

/** Who may, by SPEC §3 and the decisions documented in authorize.ts. */
function expectedAllowed(
  command: CommandName,
  door: Door,
  isFork: boolean,
  allowSkip: boolean,
  scenario: { policy: Policy; approvers: string[] },
): string[] {
  if (!DOOR_CARRIES[door].includes(command)) return [];
  if (command === 'help' || command === 'plan') return ALL;
  if (command === 'cancel')
    return [...withAtLeast(['alice'], 'none'), ...withAtLeast(['carol', 'dave', 'erin'], 'write')];
  if (command === 'skip' && !allowSkip) return [];
  if (isFork && !scenario.policy.forks) return [];
  return scenario.approvers;
}

describe('the full matrix: permission × allowlists × author × fork × command × door', () => {
  const cases = Object.entries(POLICIES).flatMap(([name, scenario]) =>
    COMMANDS.flatMap((command) =>
      (['comment', 'review', 'button'] as const).flatMap((door) =>
        [false, true].flatMap((isFork) =>
          (command === 'skip' ? [false, true] : [false]).map((allowSkip) => ({
            name,
            scenario,
            command,
            door,
            isFork,
            allowSkip,
          })),
        ),
      ),
    ),
  );

  it.each(cases)(
    '$name: /$command by $door (fork: $isFork, allow_skip: $allowSkip)',
    ({ scenario, command, door, isFork, allowSkip }) => {
      const allowed = ACTORS.filter(
        (actor) =>
          authorize({ command, actor, prAuthor: AUTHOR, isFork, policy: scenario.policy, allowSkip, door })
            .allowed,
      ).map(key);
      expect(allowed.sort()).toEqual(expectedAllowed(command, door, isFork, allowSkip, scenario).sort());
    },
  );
});

const base = ({
  actor,
  ...over
}: Partial<Omit<AuthorizeInput, 'actor'>> & { actor?: Partial<Actor> } = {}): AuthorizeInput => ({
  command: 'proceed',
  prAuthor: AUTHOR,
  isFork: false,
  policy: DEFAULT_POLICY,
  allowSkip: false,
  door: 'comment',
  ...over,
  actor: { login: 'bob', type: 'User', permission: 'write', teams: [], ...actor },
});

describe('refusals say why and who may', () => {
  it('names the missing permission', () => {
    expect(authorize(base({ actor: { permission: 'read' } }))).toEqual({
      allowed: false,
      reason: '`bob` has read access; `/proceed` needs write access or more.',
      whoMay: 'people with write access or more who are not the author (`alice`)',
    });
    expect(authorize(base({ command: 'retry', actor: { permission: 'none' } }))).toMatchObject({
      reason: '`bob` has no access to this repository; `/retry` needs write access or more.',
    });
    expect(
      authorize(base({ command: 'rollback', policy: policy({ approvers: { permission: 'admin' } }) })),
    ).toMatchObject({
      reason: '`bob` has write access; `/rollback` needs admin access.',
      whoMay: 'people with admin access who are not the author (`alice`)',
    });
  });

  it('names the allowlist', () => {
    const listed = policy({ approvers: { users: ['carol', 'dave'], teams: ['octo/sre'] } });
    expect(authorize(base({ policy: listed }))).toEqual({
      allowed: false,
      reason: '`bob` is not one of the approvers listed in `.github/proceed.yml`.',
      whoMay:
        'people with write access or more who are `carol` or `dave`, or belong to `octo/sre`, and are not the author (`alice`)',
    });
  });

  it('shortens a long allowlist', () => {
    const users = Array.from({ length: 14 }, (_, i) => `user${i}`);
    const { whoMay } = authorize(base({ policy: policy({ approvers: { users } }) })) as { whoMay: string };
    expect(whoMay).toContain('`user9`');
    expect(whoMay).not.toContain('`user10`');
    expect(whoMay).toContain('are among 4 more approvers listed in `.github/proceed.yml`');
  });

  it('explains self-approval to the author', () => {
    expect(authorize(base({ actor: { login: 'Alice', permission: 'admin' } }))).toEqual({
      allowed: false,
      reason:
        '`Alice` opened this pull request, and this repository does not let authors approve or run their own plan (`self_approval: false` in `.github/proceed.yml`); someone else has to.',
      whoMay: 'people with write access or more who are not the author (`alice`)',
    });
  });

  it('explains forks', () => {
    expect(authorize(base({ isFork: true, actor: { permission: 'admin' } }))).toEqual({
      allowed: false,
      reason:
        'This pull request comes from a fork, and this repository does not run plans from forks (`forks: false` in `.github/proceed.yml`).',
      whoMay:
        'nobody on a pull request from a fork, unless `.github/proceed.yml` on the base branch sets `forks: true`',
    });
  });

  it('explains a /skip the plan does not allow', () => {
    expect(authorize(base({ command: 'skip', actor: { permission: 'admin' } }))).toEqual({
      allowed: false,
      reason:
        'This plan does not allow skipping a step (`config.allow_skip` is false); fix the step and `/retry` it, or `/cancel`.',
      whoMay: 'nobody, because this plan does not allow `/skip` (`config.allow_skip` is false)',
    });
  });

  it('explains bots and organizations', () => {
    expect(authorize(base({ actor: { login: 'ci[bot]', type: 'Bot', permission: 'admin' } }))).toMatchObject({
      allowed: false,
      reason: '`ci[bot]` is a bot, and only people may approve, run or stop steps.',
    });
    expect(
      authorize(base({ actor: { login: 'octo', type: 'Organization', permission: 'admin' } })),
    ).toMatchObject({
      allowed: false,
      reason: '`octo` is an organization, and only people may approve, run or stop steps.',
    });
  });

  it('explains /cancel to someone who neither opened the pull request nor can push', () => {
    expect(authorize(base({ command: 'cancel', actor: { permission: 'triage' } }))).toEqual({
      allowed: false,
      reason:
        '`bob` has triage access and did not open this pull request; `/cancel` needs write access or more, or being the author.',
      whoMay: 'the author (`alice`) and people with write access or more',
    });
  });

  it('refuses a command through a door that does not carry it', () => {
    expect(authorize(base({ command: 'skip', door: 'review', allowSkip: true }))).toMatchObject({
      allowed: false,
      reason: 'An approving review only counts as `/proceed`; write `/skip` in a comment instead.',
    });
    expect(authorize(base({ command: 'rollback', door: 'button' }))).toMatchObject({
      allowed: false,
      reason:
        'The buttons only give `/proceed`, `/retry` and `/cancel`; write `/rollback` in a comment instead.',
    });
  });
});

describe('messages never mention anyone', () => {
  it('puts every login and team in a code span and writes no @', () => {
    const listed = policy({ approvers: { users: ['carol'], teams: ['octo/sre'] } });
    for (const scenario of [DEFAULT_POLICY, listed]) {
      for (const command of COMMANDS) {
        for (const actor of ACTORS) {
          for (const isFork of [false, true]) {
            const decision = authorize({
              command,
              actor,
              prAuthor: AUTHOR,
              isFork,
              policy: scenario,
              allowSkip: false,
              door: 'comment',
            });
            if (decision.allowed) continue;
            const text = `${decision.reason} ${decision.whoMay}`;
            expect(text).not.toMatch(/@/);
            for (const name of [actor.login, AUTHOR, 'carol', 'octo/sre']) {
              const bare = new RegExp(`(?<![\\w\`/-])${name.replace(/[[\]]/g, '\\$&')}(?![\\w\`/-])`);
              expect(text, `${name} outside a code span in: ${text}`).not.toMatch(bare);
            }
          }
        }
      }
    }
  });

  it('keeps a login with backticks inside its code span', () => {
    const { reason } = authorize(base({ actor: { login: 'x`y', permission: 'read' } })) as { reason: string };
    expect(reason.startsWith('``x`y``')).toBe(true);
  });
});

describe('describeWhoMay without a pull request', () => {
  it("speaks of the pull request's author in general", () => {
    expect(describeWhoMay('proceed', { policy: DEFAULT_POLICY, allowSkip: false })).toBe(
      "people with write access or more who are not the pull request's author",
    );
    expect(describeWhoMay('cancel', { policy: DEFAULT_POLICY, allowSkip: false })).toBe(
      "the pull request's author and people with write access or more",
    );
  });

  it('leaves the author out when self-approval is on', () => {
    expect(describeWhoMay('retry', { policy: policy({ self_approval: true }), allowSkip: false })).toBe(
      'people with write access or more',
    );
  });
});
