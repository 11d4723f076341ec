/**
 * Who may give which command (SPEC §3: "nobody outside the policy ever causes a step to run").
 *
 * - `/help` and `/plan` are open to anyone who can comment: they run nothing.
 * - `/proceed`, `/retry`, `/skip` and `/rollback` make commands run, so they need an approver: a
 *   person (never a bot) with the policy's minimum permission, who is listed in `approvers.users` or
 *   a member of one of `approvers.teams` when either list is set (the lists narrow the permission
 *   floor, they never replace it), and who is not the pull request's author unless `self_approval`
 *   is on. Not on a pull request from a fork unless `forks` is on. `/skip` also needs the plan's
 *   `allow_skip`. `/retry`, `/skip` and `/rollback` are each a fresh decision to run something after
 *   the situation changed, so they need a second person exactly as `/proceed` does.
 * - `/cancel` only stops, so it is open to the author (who could stop the run anyway by pushing or
 *   closing) and to anyone with write access or more (who could do the same), on forks too; bots
 *   excepted.
 * - An approving review only stands for `/proceed`, and the check-run buttons only for `/proceed`,
 *   `/retry` and `/cancel`; anything else through those doors is refused.
 */
import { codeSpan } from '../render/markdown.js';
import { COMMANDS, type CommandName } from './commands.js';
import { POLICY_FILE, type Policy } from './policy.js';
import { contributorRefusal, type Contribution } from './rules/contributors.js';

/** Repository permissions, weakest first. */
export const PERMISSIONS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface Actor {
  login: string;
  type: 'User' | 'Bot' | 'Organization';
  permission: Permission;
  /** Teams the actor belongs to, as `org/slug`. */
  teams: string[];
}

/** Where the command came from: a comment line, an approving review, or a check-run button. */
export type Door = 'comment' | 'review' | 'button';

export interface AuthorizeInput {
  command: CommandName;
  actor: Actor;
  prAuthor: string;
  isFork: boolean;
  policy: Policy;
  /** The plan's effective `allow_skip` (see `mergePlanConfig`). */
  allowSkip: boolean;
  door: Door;
  /** Who authored, committed or pushed the pull request's commits: authors too, for `self_approval`. */
  contributions?: Contribution[];
}

export type Decision = { allowed: true } | { allowed: false; reason: string; whoMay: string };

const DOOR_COMMANDS: Record<Door, readonly CommandName[]> = {
  comment: COMMANDS,
  review: ['proceed'],
  button: ['proceed', 'retry', 'cancel'],
};

/** Stopping needs only what pushing to the branch or closing the pull request needs. */
const CANCEL_PERMISSION: Permission = 'write';

/** How many allowlisted names a message shows before "and N more". */
const NAMES_SHOWN = 10;

export function atLeast(permission: Permission, minimum: Permission): boolean {
  return PERMISSIONS.indexOf(permission) >= PERMISSIONS.indexOf(minimum);
}

function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether `approvers.users` / `approvers.teams` admit the actor (an empty pair admits everyone). */
export function isListedApprover(actor: Actor, policy: Policy): boolean {
  const { users, teams } = policy.approvers;
  if (users.length === 0 && teams.length === 0) return true;
  if (users.some((user) => sameLogin(user, actor.login))) return true;
  const memberOf = new Set(actor.teams.map((team) => team.toLowerCase()));
  return teams.some((team) => memberOf.has(team.toLowerCase()));
}

export function authorize(input: AuthorizeInput): Decision {
  const { command, actor, policy, door } = input;
  const refuse = (reason: string): Decision => ({
    allowed: false,
    reason,
    whoMay: describeWhoMay(command, input),
  });
  const who = codeSpan(actor.login);
  const isAuthor = sameLogin(actor.login, input.prAuthor);

  if (!DOOR_COMMANDS[door].includes(command)) {
    const through =
      door === 'review'
        ? 'An approving review only counts as `/proceed`'
        : 'The buttons only give `/proceed`, `/retry` and `/cancel`';
    return refuse(`${through}; write \`/${command}\` in a comment instead.`);
  }
  if (command === 'help' || command === 'plan') return { allowed: true };

  if (actor.type !== 'User') {
    const kind = actor.type === 'Bot' ? 'a bot' : 'an organization';
    return refuse(`${who} is ${kind}, and only people may approve, run or stop steps.`);
  }

  if (command === 'cancel') {
    if (isAuthor || atLeast(actor.permission, CANCEL_PERMISSION)) return { allowed: true };
    return refuse(
      `${who} has ${permissionWords(actor.permission)} and did not open this pull request; ` +
        `\`/cancel\` needs ${minimumWords(CANCEL_PERMISSION)}, or being the author.`,
    );
  }

  if (command === 'skip' && !input.allowSkip) {
    return refuse(
      'This plan does not allow skipping a step (`config.allow_skip` is false); fix the step and `/retry` it, or `/cancel`.',
    );
  }
  if (input.isFork && !policy.forks) {
    return refuse(
      `This pull request comes from a fork, and this repository does not run plans from forks (\`forks: false\` in \`${POLICY_FILE}\`).`,
    );
  }
  const minimum = policy.approvers.permission;
  if (!atLeast(actor.permission, minimum)) {
    return refuse(
      `${who} has ${permissionWords(actor.permission)}; \`/${command}\` needs ${minimumWords(minimum)}.`,
    );
  }
  if (!isListedApprover(actor, policy)) {
    return refuse(`${who} is not one of the approvers listed in \`${POLICY_FILE}\`.`);
  }
  if (isAuthor && !policy.self_approval) {
    return refuse(
      `${who} opened this pull request, and this repository does not let authors approve or run their own plan ` +
        `(\`self_approval: false\` in \`${POLICY_FILE}\`); someone else has to.`,
    );
  }
  const contributed = policy.self_approval
    ? undefined
    : contributorRefusal(actor.login, input.contributions ?? []);
  if (contributed) return refuse(contributed);
  return { allowed: true };
}

export interface WhoMayContext {
  policy: Policy;
  allowSkip: boolean;
  /** The pull request's author, named when known. */
  prAuthor?: string;
  /** When known; a fork with `forks: false` leaves nobody for the commands that run steps. */
  isFork?: boolean;
}

/**
 * Who may give `command` under this policy, as a noun phrase ("people with write access or more who
 * are not the author (`alice`)"). Names are in code spans, so they never notify anyone.
 */
export function describeWhoMay(command: CommandName, context: WhoMayContext): string {
  const { policy, prAuthor } = context;
  const author = prAuthor ? `the author (${codeSpan(prAuthor)})` : "the pull request's author";
  switch (command) {
    case 'help':
    case 'plan':
      return 'anyone who can comment on the pull request';
    case 'cancel':
      return `${author} and people with ${minimumWords(CANCEL_PERMISSION)}`;
    default:
      break;
  }
  if (command === 'skip' && !context.allowSkip) {
    return 'nobody, because this plan does not allow `/skip` (`config.allow_skip` is false)';
  }
  if (context.isFork && !policy.forks) {
    return `nobody on a pull request from a fork, unless \`${POLICY_FILE}\` on the base branch sets \`forks: true\``;
  }
  const conditions: string[] = [];
  const listed = allowlistWords(policy);
  if (listed) conditions.push(listed);
  if (!policy.self_approval) conditions.push(`are not ${author}`);
  const people = `people with ${minimumWords(policy.approvers.permission)}`;
  return conditions.length ? `${people} who ${conditions.join(', and ')}` : people;
}

/** "are `alice` or `bob`, or belong to `org/sre`"; empty when the policy has no allowlist. */
function allowlistWords(policy: Policy): string {
  const { users, teams } = policy.approvers;
  const names = [...users.map((user) => codeSpan(user)), ...teams.map((team) => codeSpan(team))];
  const hidden = Math.max(0, names.length - NAMES_SHOWN);
  const shownUsers = names.slice(0, Math.min(users.length, NAMES_SHOWN));
  const shownTeams = names.slice(users.length, NAMES_SHOWN);
  const parts: string[] = [];
  if (shownUsers.length) parts.push(`are ${alternatives(shownUsers)}`);
  if (shownTeams.length) parts.push(`belong to ${alternatives(shownTeams)}`);
  if (hidden) parts.push(`are among ${hidden} more approvers listed in \`${POLICY_FILE}\``);
  return parts.join(', or ');
}

function alternatives(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

function permissionWords(permission: Permission): string {
  return permission === 'none' ? 'no access to this repository' : `${permission} access`;
}

function minimumWords(minimum: Permission): string {
  return minimum === 'admin' ? 'admin access' : `${minimum} access or more`;
}
