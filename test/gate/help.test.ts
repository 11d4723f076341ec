import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/gate/commands.js';
import { renderHelp } from '../../src/gate/help.js';
import { DEFAULT_POLICY, policySchema, type PolicyInput } from '../../src/gate/policy.js';

const policy = (input: PolicyInput) => policySchema.parse(input);

/** The table rows as [command, effect, who may]. */
function rows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| `/'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

const whoMay = (markdown: string, command: string) =>
  rows(markdown).find(([name]) => name === `\`/${command}\``)?.[2];

describe('the command table', () => {
  it('lists every command once, in order, with what it does and who may use it', () => {
    const table = rows(renderHelp(DEFAULT_POLICY, false));
    expect(table.map(([name]) => name)).toEqual(COMMANDS.map((c) => `\`/${c}\``));
    for (const row of table) {
      expect(row).toHaveLength(3);
      expect(row[1]).toMatch(/\.$/);
      expect(row[2]).not.toBe('');
    }
  });

  it('follows the default policy', () => {
    const help = renderHelp(DEFAULT_POLICY, false);
    expect(whoMay(help, 'proceed')).toBe(
      "people with write access or more who are not the pull request's author",
    );
    expect(whoMay(help, 'skip')).toBe(
      'nobody, because this plan does not allow `/skip` (`config.allow_skip` is false)',
    );
    expect(whoMay(help, 'cancel')).toBe("the pull request's author and people with write access or more");
    expect(whoMay(help, 'help')).toBe('anyone who can comment on the pull request');
    expect(whoMay(help, 'plan')).toBe('anyone who can comment on the pull request');
  });

  it('follows a stricter policy and a plan that allows /skip', () => {
    const strict = policy({ approvers: { permission: 'maintain', users: ['carol'], teams: ['octo/sre'] } });
    const help = renderHelp(strict, true);
    const approver =
      "people with maintain access or more who are `carol`, or belong to `octo/sre`, and are not the pull request's author";
    for (const command of ['proceed', 'retry', 'skip', 'rollback'])
      expect(whoMay(help, command)).toBe(approver);
  });

  it('lets the author in under self-approval', () => {
    const help = renderHelp(policy({ self_approval: true }), false);
    expect(whoMay(help, 'proceed')).toBe('people with write access or more');
    expect(help).toContain(
      "- The pull request's author may approve and run their own plan (`self_approval: true`).",
    );
  });
});

describe('the notes under the table', () => {
  it('describe the default policy', () => {
    const help = renderHelp(DEFAULT_POLICY, false);
    expect(help).toContain('- An approving review from someone who may `/proceed` counts as `/proceed`.');
    expect(help).toContain(
      '- An approval holds for the commit it was given on: any new commit needs a new approval.',
    );
    expect(help).toContain(
      '- A plan paused at a checkpoint that nobody confirms within 24h ends as timed out.',
    );
    expect(help).toContain('- Plans of pull requests from forks never run (`forks: false`).');
    expect(help).toContain(
      "- The pull request's author may not approve or run their own plan, only `/cancel` it (`self_approval: false`).",
    );
  });

  it('follow the policy switches', () => {
    const help = renderHelp(
      policy({ bind_approval_to: 'plan', forks: true, checkpoint_timeout: '2h' }),
      false,
    );
    expect(help).toContain(
      '- An approval holds until the plan file changes: commits that leave the plan alone keep it.',
    );
    expect(help).toContain(
      '- A plan paused at a checkpoint that nobody confirms within 2h ends as timed out.',
    );
    expect(help).toContain('- Plans of pull requests from forks run like any other, once approved.');
  });
});

describe('mentions', () => {
  it('names allowlisted people and teams only in code spans, never with @', () => {
    const help = renderHelp(policy({ approvers: { users: ['@carol'], teams: ['@octo/sre'] } }), false);
    expect(help).not.toMatch(/@/);
    expect(help).toContain('`carol`');
    expect(help).toContain('`octo/sre`');
  });
});

describe('the notes on approvals', () => {
  it('say one approval is enough by default, and nothing of expiry or environments', () => {
    const help = renderHelp(DEFAULT_POLICY, false);
    expect(help).toContain(
      '- One person who may `/proceed` must approve the current head and plan before anything runs.',
    );
    expect(help).not.toContain('older than');
    expect(help).not.toContain('environment');
  });

  it('give the quorum, the code owners and the expiry the policy asks for', () => {
    const help = renderHelp(
      policy({ approvers: { count: 2, codeowners: 'changed-files' }, approval_ttl: '72h' }),
      false,
    );
    expect(help).toContain(
      '- 2 different people who may `/proceed` must approve (each with an approving review or `/proceed`) the current head and plan before anything runs, and among them a code owner of every changed path that has owners (CODEOWNERS on the base branch).',
    );
    expect(help).toContain(
      '- An approval older than 72h no longer starts or resumes the plan: approve again or comment `/proceed` to renew it.',
    );
    expect(renderHelp(policy({ approvers: { codeowners: 'plan' } }), false)).toContain(
      'must approve the current head and plan before anything runs, and one of them must be a code owner of the plan file',
    );
  });

  it('list the environments and who approves for each', () => {
    const help = renderHelp(
      policy({
        environments: {
          staging: {},
          production: { approvers: { teams: ['octo/release'], count: 2 } },
        },
      }),
      false,
    );
    expect(help).toContain(
      '- A plan may name only these environments (`environment:`): `staging`, `production`.',
    );
    expect(help).toContain(
      "- Whoever approves or runs a plan for `production` must also be one of people with write access or more who belong to `octo/release`, and are not the pull request's author, and 2 different people must approve it.",
    );
    expect(help).not.toContain('plan for `staging`');
  });
});
