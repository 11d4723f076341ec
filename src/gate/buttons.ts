/**
 * The check-run buttons (SPEC §6): Proceed while the plan awaits approval or waits at a checkpoint,
 * Retry on a failed step, Cancel while a step runs. A press is the command of the person who
 * pressed it and goes through the same policy checks as a comment. Only a door that receives
 * `check_run` events (the app) shows them; `GateEnv.buttons` says so.
 */
import { applies, type LifecycleState } from '../plan/lifecycle.js';
import { codeSpan } from '../render/markdown.js';
import type { CommandName } from './commands.js';
import type { CheckRunInfo, CheckRunInput } from './port.js';
import type { StoredState } from './state.js';
import { CHECK_VERIFY, stepChecks, stepExternalId, type GateEnv } from './view.js';

export type ButtonCommand = Extract<CommandName, 'proceed' | 'retry' | 'cancel'>;
type CheckAction = NonNullable<CheckRunInput['actions']>[number];

// GitHub's limits: label 20 characters, description 40, identifier 20. The identifier is the command.
const BUTTONS: Record<ButtonCommand, CheckAction> = {
  proceed: { label: 'Proceed', description: 'Approve and run, or resume (/proceed)', identifier: 'proceed' },
  retry: { label: 'Retry', description: 'Run it again, then continue (/retry)', identifier: 'retry' },
  cancel: { label: 'Cancel', description: 'Stop here; the rest is cancelled', identifier: 'cancel' },
};

/** The `actions` of a check run: these buttons, or none (which clears earlier ones); nothing for a door without buttons. */
export function buttons(env: GateEnv, ...commands: ButtonCommand[]): { actions?: CheckAction[] } {
  return env.buttons ? { actions: commands.map((c) => BUTTONS[c]) } : {};
}

/**
 * The buttons a check run stands for now: those the gate would offer on it in the current state.
 * A press counts only while its button is live, so a redelivered webhook, a second click, or a press
 * on a run that a newer one superseded does nothing.
 */
export function liveButtons(
  check: CheckRunInfo,
  checks: CheckRunInfo[],
  stored: StoredState | undefined,
  plan: { hash: string; stepIds: string[] },
): ButtonCommand[] {
  const state = stored?.state ?? 'proposed';
  // A run already handed over for this commit (the dispatch executor) is not asked for twice.
  const pending = stored?.requested?.headSha === check.headSha;
  // Which check run carries the buttons of which state is the buttons' own business; which commands
  // they may be is the lifecycle table's (src/plan/lifecycle.ts).
  const carries = (hosts: readonly LifecycleState[], commands: ButtonCommand[]): ButtonCommand[] =>
    hosts.includes(state) ? commands.filter((c) => applies(state, c) && (c === 'cancel' || !pending)) : [];
  if (check.name === CHECK_VERIFY) {
    const newest = checks.filter((c) => c.name === CHECK_VERIFY).sort((a, b) => b.id - a.id)[0];
    if (newest?.id !== check.id) return [];
    if (check.status !== 'completed') return carries(['proposed', 'approved'], ['proceed']);
    return check.conclusion === 'failure' ? carries(['verify-failed'], ['retry']) : [];
  }
  const stepId = plan.stepIds.find((id) => check.externalId === stepExternalId(plan.hash, id));
  if (!stepId || stepChecks(checks, plan.hash, [stepId]).get(stepId)?.id !== check.id) return [];
  if (check.status !== 'completed') return carries(['executing'], ['cancel']);
  if (stored?.next !== stepId) return [];
  if (check.conclusion === 'action_required') return carries(['paused'], ['proceed', 'cancel']);
  if (check.conclusion === 'failure' || check.conclusion === 'timed_out')
    return carries(['failed'], ['retry', 'cancel']);
  return [];
}

/** Hidden at the end of the bot's comment for a Cancel press; only the bot's own comments are read for it. */
const CANCEL_REQUEST = /<!-- proceed:cancel-request by=([A-Za-z0-9-]+) -->/;

/**
 * What the bot comments when Cancel is pressed while another process executes: that process's
 * watcher reads comments, not webhooks, so this is how the press reaches it.
 */
export function cancelRequestComment(login: string): string {
  return (
    `### ⊘ Cancel requested\n\n${codeSpan(login)} pressed **Cancel**; the running execution stops at its next check.` +
    `\n\n<!-- proceed:cancel-request by=${login} -->`
  );
}

/** Who asked to cancel, when `body` is the bot's cancel request. */
export function cancelRequestedBy(body: string): string | undefined {
  return CANCEL_REQUEST.exec(body)?.[1];
}
