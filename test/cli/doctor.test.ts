/**
 * `proceed doctor` against the OpenAPI-checked fake GitHub: a correctly set-up repository passes,
 * and each misconfiguration of issue 14 is found with what to do. Most run in-process (doctor()
 * with an in-memory terminal); one runs the committed bundle as a user would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctor } from '../../src/cli/doctor.js';
import { memoryTerminal, proceed, ROOT } from '../support/cli.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { repoSettings, requiredChecks } from '../support/fake-github/settings.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';

const ACTIONS_APP_ID = 15368;

/** The workflow the README tells users to copy: doctor must pass it as it is. */
const WORKFLOW = (() => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The GitHub Action'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block?.includes('merge_group')) throw new Error("README's Action workflow not found");
  return block;
})();

/** The workflow the README's "dispatch" executor starts. */
const DISPATCH_WORKFLOW = (() => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('**`dispatch`**')))?.[1];
  if (!block?.includes('mode: execute')) throw new Error("README's dispatch workflow not found");
  return block;
})();

const APP = {
  id: 4242,
  permissions: {
    contents: 'write',
    pull_requests: 'write',
    issues: 'write',
    checks: 'write',
    actions: 'write',
    members: 'read',
    merge_queues: 'read',
  } as Record<string, 'read' | 'write'>,
  events: ['pull_request', 'pull_request_review', 'issue_comment', 'check_run', 'merge_group'],
};

/** A repository set up as the README says: the workflow, a valid policy, proceed/verify required and pinned, a merge queue. */
function setUp(fake: FakeGitHub, o: { workflow?: string | null; policy?: string; appId?: number } = {}) {
  const repo = fake.addRepo({ owner: 'octo-org', repo: 'widgets', defaultBranch: 'main' });
  if (o.workflow !== null) fake.setFile('main', '.github/workflows/proceed.yml', o.workflow ?? WORKFLOW);
  fake.setFile(
    'main',
    '.github/workflows/ci.yml',
    'on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: npm test\n',
  );
  fake.setFile('main', '.github/proceed.yml', o.policy ?? 'approvers:\n  permission: maintain\n');
  const settings = repoSettings(repo);
  settings.rules.push(
    requiredChecks([{ context: 'proceed/verify', integration_id: o.appId ?? ACTIONS_APP_ID }]),
    { type: 'merge_queue' },
  );
  return settings;
}

async function runDoctor(fake: FakeGitHub, ...args: string[]) {
  const t = memoryTerminal();
  const code = await doctor(['--repo', 'octo-org/widgets', ...args], t.term, {
    GITHUB_TOKEN: 'ghs_readonly',
    GITHUB_API_URL: fake.url,
  });
  return { code, out: t.out(), err: t.err() };
}

/** The lines of the output that mark a blocking finding. */
function failures(out: string): string[] {
  return out.split('\n').filter((l) => l.startsWith('✗'));
}

describe('proceed doctor on a repository set up as the README says', () => {
  const github = useFakeGitHub({ validateResponses: true });

  it('finds nothing that blocks and exits 0', async () => {
    const fake = github();
    setUp(fake);
    const r = await runDoctor(fake);
    expect(r.code, r.out + r.err).toBe(0);
    expect(failures(r.out)).toEqual([]);
    expect(r.out).toContain('✓ workflow: .github/workflows/proceed.yml on main uses the proceed action.');
    expect(r.out).toContain(
      '✓ branch: a ruleset requires `proceed/verify` on main, pinned to GitHub Actions.',
    );
    expect(r.out).toContain('Nothing blocks proceed.');
    // Read-only: doctor never writes.
    expect(fake.writes()).toEqual([]);
  });

  it('accepts branch protection pinned to GitHub Actions as well as a ruleset', async () => {
    const fake = github();
    const settings = setUp(fake);
    settings.rules.splice(0);
    settings.protection.set('main', { checks: [{ context: 'proceed/verify', app_id: ACTIONS_APP_ID }] });
    const r = await runDoctor(fake);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('branch protection requires `proceed/verify` on main, pinned to GitHub Actions.');
  });

  it('passes an app-based setup whose app has every permission and event', async () => {
    const fake = github();
    const settings = setUp(fake, { workflow: null, appId: APP.id });
    settings.apps.set('proceed-bot', APP);
    const r = await runDoctor(fake, '--app', 'proceed-bot');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('pinned to the app proceed-bot');
  });
});

describe('proceed doctor finds each misconfiguration', () => {
  const github = useFakeGitHub({ validateResponses: true });

  it('the workflow missing from the default branch', async () => {
    const fake = github();
    setUp(fake, { workflow: null });
    const r = await runDoctor(fake);
    expect(r.code).toBe(1);
    expect(failures(r.out)).toEqual([
      expect.stringContaining('✗ workflow: No workflow on main uses the proceed action'),
    ]);
    expect(r.out).toContain('→ Add the workflow from the README');
  });

  it('a workflow without the events the gate acts on', async () => {
    const fake = github();
    setUp(fake, {
      workflow: WORKFLOW.replace(/ {2}issue_comment:.*\n/, '').replace(
        '{ types: [submitted, dismissed] }',
        '{ types: [dismissed] }',
      ),
    });
    const r = await runDoctor(fake);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ workflow: .github/workflows/proceed.yml does not run on `issue_comment`');
    expect(r.out).toContain('→ Add `issue_comment: { types: [created] }` under `on:`');
    expect(r.out).toContain('runs on `pull_request_review` but not its `submitted` activity');
  });

  it('a workflow whose reviews are not heard when dismissed only warns', async () => {
    const fake = github();
    setUp(fake, {
      workflow: WORKFLOW.replace('{ types: [submitted, dismissed] }', '{ types: [submitted] }'),
    });
    const r = await runDoctor(fake);
    expect(r.code).toBe(0);
    expect(r.out).toContain('runs on `pull_request_review` but not its `dismissed` activity');
  });

  it('a workflow without schedule or closed only warns', async () => {
    const fake = github();
    setUp(fake, {
      workflow: WORKFLOW.replace(/ {2}schedule:.*\n/, '').replace(', closed]', ']'),
    });
    const r = await runDoctor(fake);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('! workflow: .github/workflows/proceed.yml does not run on `schedule`');
    expect(r.out).toContain(
      '! workflow: .github/workflows/proceed.yml does not run when a pull request closes',
    );
    expect(r.out).toContain('Nothing blocks proceed; 2 warning(s).');
  });

  it('a job token without the permissions the gate writes with', async () => {
    const fake = github();
    setUp(fake, {
      workflow: WORKFLOW.replace(/contents: write.*\n/, 'contents: read\n').replace(
        / {2}checks: write\n/,
        '',
      ),
    });
    const r = await runDoctor(fake);
    expect(r.code).toBe(1);
    expect(failures(r.out)).toEqual([expect.stringContaining('lacks contents: write, checks: write')]);
  });

  it('a policy with environments and a token that cannot record deployments', async () => {
    const fake = github();
    setUp(fake, {
      workflow: WORKFLOW.replace(/ {2}deployments: write.*\n/, ''),
      policy: 'environments:\n  production: {}\n',
    });
    const r = await runDoctor(fake);
    expect(r.code).toBe(1);
    expect(failures(r.out)).toEqual([expect.stringContaining('lacks deployments: write')]);
  });

  it('a policy file that does not parse', async () => {
    const fake = github();
    setUp(fake, { policy: 'approvers:\n  permision: write\n' });
    const r = await runDoctor(fake);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ policy: .github/proceed.yml on main is invalid');
    expect(r.out).toMatch(
      /\.github\/proceed\.yml:2:3: approvers\.permision: unknown key; did you mean `permission`\?/,
    );
  });

  it('a default branch that does not require proceed/verify', async () => {
    const fake = github();
    setUp(fake).rules.splice(0, 1);
    const r = await runDoctor(fake);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ branch: main does not require `proceed/verify`');
  });

  it('a required proceed/verify that any source can satisfy', async () => {
    const fake = github();
    const settings = setUp(fake);
    settings.rules.splice(0, 1);
    settings.protection.set('main', { checks: [{ context: 'proceed/verify', app_id: null }] });
    const r = await runDoctor(fake);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ branch: branch protection requires `proceed/verify` on main from any source');
    expect(r.out).toContain('→ Pin its source to GitHub Actions (id 15368) in branch protection.');
  });

  it('a required proceed/verify pinned to another app than the one that posts it', async () => {
    const fake = github();
    const settings = setUp(fake, { workflow: null, appId: ACTIONS_APP_ID });
    settings.apps.set('proceed-bot', APP);
    const r = await runDoctor(fake, '--app', 'proceed-bot');
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'from the app with id 15368, but proceed posts it as the app proceed-bot (id 4242)',
    );
  });

  it('a merge queue without the merge_group event in the workflow', async () => {
    const fake = github();
    setUp(fake, { workflow: WORKFLOW.replace(/ {2}merge_group:.*\n/, '') });
    const r = await runDoctor(fake);
    expect(r.code).toBe(1);
    expect(failures(r.out)).toEqual([
      expect.stringContaining('✗ merge queue: .github/workflows/proceed.yml does not run on `merge_group`'),
    ]);
  });

  it('no merge queue: merge_group is not asked for', async () => {
    const fake = github();
    setUp(fake, {
      workflow: WORKFLOW.replace(/ {2}merge_group:.*\n/, ''),
    }).rules.splice(1);
    const r = await runDoctor(fake);
    expect(r.code, r.out).toBe(0);
  });

  it('an app without the permissions and events the policy and the merge queue use', async () => {
    const fake = github();
    const settings = setUp(fake, {
      workflow: null,
      appId: APP.id,
      policy: 'approvers:\n  teams: [octo-org/deployers]\n',
    });
    const { members: _m, merge_queues: _q, ...permissions } = APP.permissions;
    settings.apps.set('proceed-bot', {
      ...APP,
      permissions,
      events: APP.events.filter((e) => e !== 'merge_group'),
    });
    const r = await runDoctor(fake, '--app', 'proceed-bot');
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '✗ app: The app proceed-bot lacks members: read (approvers.teams in the policy), merge_queues: read (the merge queue on main).',
    );
    expect(r.out).toContain('✗ merge queue: The app proceed-bot is not subscribed to `merge_group`.');
  });

  it('the dispatch executor without its workflow', async () => {
    const fake = github();
    const settings = setUp(fake, { workflow: null, appId: APP.id });
    settings.apps.set('proceed-bot', APP);
    const missing = await runDoctor(fake, '--app', 'proceed-bot', '--executor', 'dispatch');
    expect(missing.code).toBe(1);
    expect(missing.out).toContain(
      'The dispatch executor starts .github/workflows/proceed.yml on main, but there is no such workflow',
    );
    fake.setFile('main', '.github/workflows/proceed.yml', DISPATCH_WORKFLOW);
    const present = await runDoctor(fake, '--app', 'proceed-bot', '--executor', 'dispatch');
    expect(present.code, present.out).toBe(0);
    expect(present.out).toContain('The app proceed-bot is not subscribed to `workflow_run`');
    settings.apps.set('proceed-bot', { ...APP, events: [...APP.events, 'workflow_run'] });
    const subscribed = await runDoctor(fake, '--app', 'proceed-bot', '--executor', 'dispatch');
    expect(subscribed.code, subscribed.out).toBe(0);
    expect(subscribed.out).not.toContain('workflow_run');
  });

  it('leaves workflow_run alone for the inline executor, which gives out no tokens', async () => {
    const fake = github();
    const settings = setUp(fake, { workflow: null, appId: APP.id });
    settings.apps.set('proceed-bot', APP);
    const r = await runDoctor(fake, '--app', 'proceed-bot');
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain('workflow_run');
  });

  it('an app slug GitHub does not know', async () => {
    const fake = github();
    setUp(fake, { workflow: null });
    const r = await runDoctor(fake, '--app', 'no-such-app');
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ app: GitHub has no app with the slug no-such-app.');
  });
});

describe('proceed doctor refuses what it cannot check', () => {
  const github = useFakeGitHub();

  it('a repository the token cannot see: exit 1 and what to do', async () => {
    const fake = github();
    fake.addRepo({ owner: 'octo-org', repo: 'widgets' });
    const t = memoryTerminal();
    const code = await doctor(['--repo', 'octo-org/gadgets'], t.term, {
      GITHUB_TOKEN: 'x',
      GITHUB_API_URL: fake.url,
    });
    expect(code).toBe(1);
    expect(t.err()).toContain('could not read the repository octo-org/gadgets');
    expect(t.err()).toContain('Check --repo');
  });

  it.each([
    [[], 'no token'],
    [['--repo', 'widgets'], '--repo needs OWNER/NAME'],
    [['--repo', 'a/b', '--executor', 'dispatch'], 'pass --app SLUG with them'],
    [['--repo', 'a/b', '--app', 'x', '--executor', 'lambda'], '--executor is "lambda"'],
    [['--repo', 'a/b', '--nope'], "Unknown option '--nope'"],
  ])('usage %j: exit 2', async (args, message) => {
    const t = memoryTerminal();
    const env = args.length ? { GITHUB_TOKEN: 'x' } : {};
    const code = await doctor(args.length ? args : ['--repo', 'a/b'], t.term, env);
    expect(code).toBe(2);
    expect(t.err()).toContain(message);
  });
});

describe('proceed doctor through the committed bundle', () => {
  const github = useFakeGitHub();

  it('is a command of the CLI and reads GITHUB_TOKEN and GITHUB_API_URL', async () => {
    const fake = github();
    setUp(fake, { workflow: null });
    const r = await proceed(['doctor', '--repo', 'octo-org/widgets'], ROOT, {
      GITHUB_TOKEN: 'ghs_readonly',
      GITHUB_API_URL: fake.url,
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('No workflow on main uses the proceed action');
  });
});
