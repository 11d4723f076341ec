/**
 * Who may pass one checkpoint (issue 15): a step's `checkpoint: { approvers: { permission, users,
 * teams, count } }`. It only tightens the repository policy: the confirmer must also be allowed by
 * `authorize`; the checkpoint's `permission` raises the floor, its `users` and `teams` narrow it, and
 * `count` distinct people must confirm before the step runs. Pure.
 */
import type { CheckpointApprovers } from '../../plan/schema.js';
import { codeSpan } from '../../render/markdown.js';
import { atLeast, type Actor } from '../authorize.js';
import type { Confirmation } from '../state.js';

/** Why the actor may not confirm this checkpoint, or undefined when they may. */
export function checkpointRefusal(
  approvers: CheckpointApprovers,
  actor: Actor,
  step: string,
): string | undefined {
  const who = codeSpan(actor.login);
  const at = `the checkpoint before ${codeSpan(step)}`;
  if (approvers.permission && !atLeast(actor.permission, approvers.permission))
    return `${who} has ${actor.permission} access; ${at} needs ${approvers.permission} access or more.`;
  const { users, teams } = approvers;
  if (!users.length && !teams.length) return undefined;
  if (users.some((u) => u.toLowerCase() === actor.login.toLowerCase())) return undefined;
  const memberOf = new Set(actor.teams.map((t) => t.toLowerCase()));
  if (teams.some((t) => memberOf.has(t.toLowerCase()))) return undefined;
  return `${who} is not one of the people the plan names for ${at}.`;
}

/** "people with maintain access or more who are `dave` or belong to `octo-org/dba` (2 of them must confirm)". */
export function checkpointWhoMay(approvers: CheckpointApprovers): string {
  const names = [
    ...(approvers.users.length ? [`are ${approvers.users.map((u) => codeSpan(u)).join(' or ')}`] : []),
    ...(approvers.teams.length ? [`belong to ${approvers.teams.map((t) => codeSpan(t)).join(' or ')}`] : []),
  ];
  const floor = approvers.permission
    ? `people with ${approvers.permission} access or more`
    : 'people allowed to approve';
  const count = approvers.count > 1 ? ` (${approvers.count} of them must confirm)` : '';
  return `${floor}${names.length ? ` who ${names.join(', or ')}` : ''}${count}`;
}

/** The confirmations of `step`, with this person's (one per person). */
export function recordConfirmation(
  confirmations: readonly Confirmation[],
  step: string,
  by: string,
  at: Date,
): Confirmation[] {
  const kept = confirmations.filter((c) => c.step === step && c.by.toLowerCase() !== by.toLowerCase());
  return [...kept, { step, by, at: at.toISOString() }].slice(-20);
}
