/**
 * `loadView` reads the code owners `decide` needs (issue 15): from the base branch's CODEOWNERS at
 * GitHub's first location found, for the plan file or every changed path, never from the pull request.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_GLOBS } from '../../src/gate/discover.js';
import { POLICY_FILE } from '../../src/gate/policy.js';
import { loadView, type GateEnv } from '../../src/gate/view.js';
import { MemoryGitHub } from '../../src/github/memory.js';

const PLAN = 'version: 1\ntitle: t\nsteps:\n  - name: a\n    run: "true"\n';

async function view(base: Record<string, string>, head: Record<string, string> = {}) {
  const github = new MemoryGitHub({
    botLogin: 'proceed[bot]',
    baseFiles: base,
    pullRequest: { number: 1, author: 'alice', files: { 'deploy/m.plan.yml': PLAN, ...head } },
  });
  const env: GateEnv = {
    port: github,
    botLogin: 'proceed[bot]',
    planGlobs: DEFAULT_PLAN_GLOBS,
    policyPath: POLICY_FILE,
    log: () => undefined,
  };
  return loadView(env, 1);
}

describe('loadView: code owners', () => {
  it('reads nothing when the policy does not ask for code owners', async () => {
    expect((await view({ CODEOWNERS: '* @dave\n' })).codeOwners).toBeUndefined();
  });

  it("takes .github/CODEOWNERS before CODEOWNERS and docs/CODEOWNERS, and the plan file's owners", async () => {
    const v = await view({
      [POLICY_FILE]: 'approvers: { codeowners: plan }\n',
      '.github/CODEOWNERS': 'deploy/ @octo-org/dba\n',
      CODEOWNERS: '* @dave\n',
      'docs/CODEOWNERS': '* @erin\n',
    });
    expect(v.codeOwners).toEqual({
      mode: 'plan',
      file: '.github/CODEOWNERS',
      paths: [{ path: 'deploy/m.plan.yml', owners: ['@octo-org/dba'] }],
      unowned: [],
    });
  });

  it('lists every changed path that has owners under changed-files, leaving unowned ones out', async () => {
    const v = await view(
      {
        [POLICY_FILE]: 'approvers: { codeowners: changed-files }\n',
        'docs/CODEOWNERS': '*.sh @ops\n/deploy/ @dba\n',
      },
      { 'scripts/m.sh': 'echo\n', 'README.md': 'x\n' },
    );
    expect(v.codeOwners).toMatchObject({
      mode: 'changed-files',
      file: 'docs/CODEOWNERS',
      paths: [
        { path: 'deploy/m.plan.yml', owners: ['@dba'] },
        { path: 'scripts/m.sh', owners: ['@ops'] },
      ],
    });
  });

  it('ignores a CODEOWNERS the pull request brings, and reports an unowned plan file', async () => {
    const none = await view(
      { [POLICY_FILE]: 'approvers: { codeowners: plan }\n' },
      { CODEOWNERS: '* @mallory\n' },
    );
    expect(none.codeOwners).toEqual({ mode: 'plan', file: undefined, paths: [], unowned: [] });
    const unowned = await view({
      [POLICY_FILE]: 'approvers: { codeowners: plan }\n',
      CODEOWNERS: 'src/ @dave\n',
    });
    expect(unowned.codeOwners).toMatchObject({
      file: 'CODEOWNERS',
      paths: [],
      unowned: ['deploy/m.plan.yml'],
    });
  });
});
