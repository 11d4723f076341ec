import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  mergePlanConfig,
  mergeVerify,
  policySchema,
  type Policy,
  type PolicyInput,
} from '../../src/gate/policy.js';
import { parseYamlWithSchema } from '../../src/plan/parse.js';
import { configSchema, type PlanConfig } from '../../src/plan/schema.js';

const policy = (input: PolicyInput): Policy => policySchema.parse(input);
const messages = (input: unknown) => {
  const result = policySchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('defaults', () => {
  it('are the safe defaults of SPEC §2', () => {
    expect(DEFAULT_POLICY).toEqual({
      // Issue 15: one approval, no code owner required, approvals never expire.
      approvers: { permission: 'write', users: [], teams: [], count: 1 },
      self_approval: false,
      forks: false,
      bind_approval_to: 'head',
      checkpoint_timeout: '24h',
      verify: {},
      // Issue 14: a merge group passes when its pull requests are verified; no environments are listed.
      merge_queue: 'verified',
    });
  });

  it('read merge_queue and environments (issue 14), refusing unknown values', () => {
    expect(
      policy({ merge_queue: 're-verify', environments: { production: { production: true } } }),
    ).toMatchObject({
      merge_queue: 're-verify',
      environments: { production: { production: true } },
    });
    expect(policySchema.safeParse({ merge_queue: 'sometimes' }).success).toBe(false);
    expect(policySchema.safeParse({ environments: { production: { reviewers: [] } } }).success).toBe(false);
  });

  it('fill in every key a partial policy leaves out, inside approvers too', () => {
    expect(policy({ approvers: { users: ['alice'] }, forks: true })).toEqual({
      ...DEFAULT_POLICY,
      approvers: { permission: 'write', users: ['alice'], teams: [], count: 1 },
      forks: true,
    });
  });

  it('make an empty policy file mean the default policy', () => {
    const result = parseYamlWithSchema('# nothing here yet\n', '.github/proceed.yml', policySchema);
    expect(result).toMatchObject({ ok: true, value: DEFAULT_POLICY });
  });
});

describe('strictness', () => {
  it('refuses unknown keys at the top level and inside approvers', () => {
    expect(messages({ self_approve: true })).toEqual([': Unrecognized key: "self_approve"']);
    expect(messages({ approvers: { permissions: 'admin' } })).toEqual([
      'approvers: Unrecognized key: "permissions"',
    ]);
  });

  it('reports an unknown key in the YAML with its position and a suggestion', () => {
    const result = parseYamlWithSchema(
      'forks: false\nself_aproval: true\n',
      '.github/proceed.yml',
      policySchema,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toMatchObject([
        {
          line: 2,
          col: 1,
          path: 'self_aproval',
          message: expect.stringContaining('did you mean `self_approval`?'),
        },
      ]);
    }
  });

  it('refuses a permission below write, since approvers must be able to push', () => {
    for (const permission of ['read', 'triage', 'none', 'Admin']) {
      expect(messages({ approvers: { permission } })).toHaveLength(1);
    }
    for (const permission of ['write', 'maintain', 'admin'] as const) {
      expect(policy({ approvers: { permission } }).approvers.permission).toBe(permission);
    }
  });

  it('refuses values of the wrong type instead of guessing', () => {
    expect(messages({ self_approval: 'yes' })).toHaveLength(1);
    expect(messages({ forks: 1 })).toHaveLength(1);
    expect(messages({ bind_approval_to: 'commit' })).toHaveLength(1);
    expect(messages({ approvers: { users: 'alice' } })).toHaveLength(1);
    expect(messages({ approvers: null })).toHaveLength(1);
  });
});

describe('approver allowlists', () => {
  it('accept logins with or without @ and keep them without it', () => {
    expect(policy({ approvers: { users: ['alice', '@Bob-Smith', ' carol '] } }).approvers.users).toEqual([
      'alice',
      'Bob-Smith',
      'carol',
    ]);
    expect(policy({ approvers: { users: ['a'.repeat(39)] } }).approvers.users).toEqual(['a'.repeat(39)]);
  });

  it('refuse what cannot be a GitHub login', () => {
    for (const login of [
      '',
      'bad login',
      '-alice',
      'a'.repeat(40),
      '@' + 'a'.repeat(40),
      'octo/team',
      'alice,bob',
    ]) {
      expect(messages({ approvers: { users: [login] } }), login).toHaveLength(1);
    }
  });

  it('accept teams as org/team-slug, with or without @', () => {
    expect(
      policy({ approvers: { teams: ['octo-org/deployers', '@octo-org/sre_team'] } }).approvers.teams,
    ).toEqual(['octo-org/deployers', 'octo-org/sre_team']);
  });

  it('refuse a team without its organisation', () => {
    for (const team of ['deployers', 'octo-org/', '/deployers', 'a/b/c']) {
      expect(messages({ approvers: { teams: [team] } }), team).toEqual([
        'approvers.teams.0: must be a team as org/team-slug, such as octo-org/deployers',
      ]);
    }
  });
});

describe('checkpoint_timeout', () => {
  it('takes a duration', () => {
    expect(policy({ checkpoint_timeout: '1h30m' }).checkpoint_timeout).toBe('1h30m');
  });

  it('refuses what is not a duration, and zero', () => {
    expect(messages({ checkpoint_timeout: '1 day' })).toEqual([
      'checkpoint_timeout: must be a duration such as 90s, 10m or 1h30m',
    ]);
    expect(messages({ checkpoint_timeout: 3600 })).toHaveLength(1);
    expect(messages({ checkpoint_timeout: '0s' })).toEqual(['checkpoint_timeout: must be longer than 0s']);
  });
});

describe('verify', () => {
  it("has the shape of a plan's verify", () => {
    expect(
      policy({ verify: { tests: 'npm test', audit: { run: 'npm audit', timeout: '5m' } } }).verify,
    ).toEqual({
      tests: 'npm test',
      audit: { run: 'npm audit', timeout: '5m', shell: 'bash' },
    });
  });

  it('refuses a bad name or an unknown key in an entry', () => {
    expect(messages({ verify: { Tests: 'npm test' } })).toHaveLength(1);
    expect(messages({ verify: { tests: { run: 'npm test', timout: '5m' } } }).length).toBeGreaterThan(0);
  });
});

describe('mergePlanConfig: a plan may tighten the policy, never loosen it', () => {
  const config = (input: Partial<PlanConfig> = {}): PlanConfig => configSchema.parse(input);

  it.each<[string, Partial<PlanConfig>, Partial<PlanConfig>, number]>([
    // [what, plan config, effective switches, notices]
    ['require_approval: true is kept', { require_approval: true }, { require_approval: true }, 0],
    ['require_approval: false is ignored', { require_approval: false }, { require_approval: true }, 1],
    ['stop_on_error: true is kept', { stop_on_error: true }, { stop_on_error: true }, 0],
    ['stop_on_error: false is honoured', { stop_on_error: false }, { stop_on_error: false }, 0],
    ['allow_skip: false is kept', { allow_skip: false }, { allow_skip: false }, 0],
    ['allow_skip: true is honoured', { allow_skip: true }, { allow_skip: true }, 0],
    [
      'checkpoint_between_steps: true tightens',
      { checkpoint_between_steps: true },
      { checkpoint_between_steps: true },
      0,
    ],
    [
      'checkpoint_between_steps: false is kept',
      { checkpoint_between_steps: false },
      { checkpoint_between_steps: false },
      0,
    ],
    ['max_plan_steps is kept', { max_plan_steps: 5 }, { max_plan_steps: 5 }, 0],
    ['show_estimated_time: false is kept', { show_estimated_time: false }, { show_estimated_time: false }, 0],
  ])('%s', (_, input, effective, noticeCount) => {
    const merged = mergePlanConfig(config(input), DEFAULT_POLICY);
    expect(merged.settings).toMatchObject(effective);
    expect(merged.notices).toHaveLength(noticeCount);
  });

  it('says why require_approval: false is ignored', () => {
    expect(mergePlanConfig(config({ require_approval: false }), DEFAULT_POLICY).notices).toEqual([
      '`require_approval: false` in the plan is ignored: this repository always requires approval before a step runs (`.github/proceed.yml`).',
    ]);
  });

  it("carries the policy's checkpoint timeout in milliseconds", () => {
    expect(mergePlanConfig(config(), DEFAULT_POLICY).settings.checkpoint_timeout_ms).toBe(24 * 3600 * 1000);
    expect(
      mergePlanConfig(config(), policy({ checkpoint_timeout: '90s' })).settings.checkpoint_timeout_ms,
    ).toBe(90_000);
  });

  it('gives the default config unchanged apart from the timeout', () => {
    expect(mergePlanConfig(config(), DEFAULT_POLICY)).toEqual({
      settings: { ...config(), checkpoint_timeout_ms: 86_400_000 },
      notices: [],
    });
  });
});

describe("mergeVerify: the policy's verifications always run", () => {
  const withVerify = policy({ verify: { tests: 'npm test', lint: 'npm run lint' } });

  it("runs the policy's checks first, then the plan's", () => {
    const merged = mergeVerify({ counts: './compare.sh' }, withVerify);
    expect(Object.keys(merged.verify)).toEqual(['tests', 'lint', 'counts']);
    expect(merged.notices).toEqual([]);
  });

  it('does not let a plan replace a check of the policy, and says so', () => {
    const merged = mergeVerify({ tests: 'true' }, withVerify);
    expect(merged.verify.tests).toBe('npm test');
    expect(merged.notices).toEqual([
      "`verify.tests` in the plan is replaced by `verify.tests` of `.github/proceed.yml`, which always runs; give the plan's check another name to run both.",
    ]);
  });

  it('keeps the policy checks when the plan has none', () => {
    expect(mergeVerify(undefined, withVerify).verify).toEqual({ tests: 'npm test', lint: 'npm run lint' });
    expect(mergeVerify({ tests: 'npm test' }, DEFAULT_POLICY).verify).toEqual({ tests: 'npm test' });
  });
});
