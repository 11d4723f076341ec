/** The answer to `/help`: the commands, what each does, and who may use it under this policy. */
import { describeWhoMay } from './authorize.js';
import { COMMANDS, type CommandName } from './commands.js';
import { POLICY_FILE, type Policy } from './policy.js';

const EFFECT: Record<CommandName, string> = {
  proceed: 'Approve the plan and start it, or resume it after a checkpoint or an interruption.',
  retry: 'Run the failed step again, then continue.',
  skip: 'Skip the failed or paused step and continue with the next one.',
  cancel: 'Stop; the steps not run are marked cancelled.',
  rollback: 'Run the `rollback` commands of the completed steps, newest first.',
  plan: 'Render the plan again.',
  help: 'Show this list.',
};

/** How many must approve, and whether a code owner must be among them. */
function quorum(policy: Policy): string {
  const { count, codeowners } = policy.approvers;
  const who =
    count === 1
      ? 'One person who may `/proceed` must approve'
      : `${count} different people who may \`/proceed\` must approve (each with an approving review or \`/proceed\`)`;
  const owner =
    codeowners === 'plan'
      ? ', and one of them must be a code owner of the plan file (CODEOWNERS on the base branch)'
      : codeowners === 'changed-files'
        ? ', and among them a code owner of every changed path that has owners (CODEOWNERS on the base branch)'
        : '';
  return `${who} the current head and plan before anything runs${owner}.`;
}

/** The environments a plan may name, and who approves for each on top of the global approvers. */
function environmentNotes(policy: Policy): string[] {
  const environments = Object.entries(policy.environments ?? {});
  if (!environments.length) return [];
  return [
    `A plan may name only these environments (\`environment:\`): ${environments.map(([name]) => `\`${name}\``).join(', ')}.`,
    ...environments.flatMap(([name, env]) => {
      if (!env.approvers) return [];
      const people = describeWhoMay('proceed', {
        policy: { ...policy, approvers: { ...env.approvers, codeowners: undefined } },
        allowSkip: false,
      });
      const count = Math.max(policy.approvers.count, env.approvers.count);
      const quorum = count > policy.approvers.count ? `, and ${count} different people must approve it` : '';
      return [`Whoever approves or runs a plan for \`${name}\` must also be one of ${people}${quorum}.`];
    }),
  ];
}

export function renderHelp(policy: Policy, allowSkip: boolean): string {
  const rows = COMMANDS.map(
    (command) =>
      `| \`/${command}\` | ${EFFECT[command]} | ${describeWhoMay(command, { policy, allowSkip })} |`,
  );
  const binding =
    policy.bind_approval_to === 'head'
      ? 'An approval holds for the commit it was given on: any new commit needs a new approval.'
      : 'An approval holds until the plan file changes: commits that leave the plan alone keep it.';
  const notes = [
    'An approving review from someone who may `/proceed` counts as `/proceed`.',
    quorum(policy),
    binding,
    ...(policy.approval_ttl
      ? [
          `An approval older than ${policy.approval_ttl} no longer starts or resumes the plan: approve again or comment \`/proceed\` to renew it.`,
        ]
      : []),
    ...environmentNotes(policy),
    `A plan paused at a checkpoint that nobody confirms within ${policy.checkpoint_timeout} ends as timed out.`,
    policy.forks
      ? 'Plans of pull requests from forks run like any other, once approved.'
      : 'Plans of pull requests from forks never run (`forks: false`).',
    policy.self_approval
      ? "The pull request's author may approve and run their own plan (`self_approval: true`)."
      : "The pull request's author may not approve or run their own plan, only `/cancel` it (`self_approval: false`).",
    'Bots never approve, run or stop steps.',
  ];
  return [
    '### proceed commands',
    '',
    'Write the command at the start of a line of a new comment, one command per comment; case does not matter. ' +
      'Commands in quotes, code and edited comments are ignored.',
    '',
    '| Command | What it does | Who may use it |',
    '|---|---|---|',
    ...rows,
    '',
    ...notes.map((note) => `- ${note}`),
    '',
    `<sub>From \`${POLICY_FILE}\` on the base branch.</sub>`,
  ].join('\n');
}
