/**
 * An execution's events as check runs: one per step (in progress, then its conclusion, with its log's
 * tail), the checkpoint's `action_required`, and `proceed/verify`, kept within GitHub's limits.
 */
import type { ExecutionReport } from '../execute/executor.js';
import type { ExecEvent, StepResult } from '../execute/events.js';
import { formatDuration } from '../plan/duration.js';
import { checkpointApprovers, type Plan, type Step } from '../plan/schema.js';
import { checkpointWhoMay } from './rules/checkpoint-approvers.js';
import {
  clipStart,
  codeSpan,
  fencedBlock,
  formatCount,
  GITHUB_CHECK_TEXT_LIMIT,
} from '../render/markdown.js';
import { buttons } from './buttons.js';
import type { ValidView } from './decide.js';
import type { CheckConclusion, CheckRunInfo, CheckRunInput } from './port.js';
import type { Publisher } from './publisher.js';
import { upsertCheck } from './publish.js';
import { CHECK_VERIFY, short, stepCheckName, stepExternalId, type GateEnv } from './view.js';

/** " Who may confirm: …" for a checkpoint that names its approvers (issue 15); empty otherwise. */
export function whoMayConfirm(step: Step): string {
  const approvers = checkpointApprovers(step);
  return approvers ? ` Who may confirm: ${checkpointWhoMay(approvers)}.` : '';
}

const CHECK_TEXT_LIMIT = GITHUB_CHECK_TEXT_LIMIT;

/**
 * Turns the executor's events into check runs: one per step (in progress, then its conclusion), and
 * the gate. Only a step's result is waited for (the next step starts after it is on GitHub); the rest
 * goes out beside the work through `publisher`, one object per step and one for the gate.
 */
export async function publishEvent(
  env: GateEnv,
  view: ValidView,
  checks: CheckRunInfo[],
  stepRuns: Map<string, number>,
  event: ExecEvent,
  publisher: Publisher,
): Promise<void> {
  const sha = view.pr.headSha;
  const hash = view.plan.hash;
  switch (event.type) {
    case 'step-started':
      publisher.want(
        stepKey(event.step.id),
        stepSync(env, stepRuns, event.step.id, {
          name: stepCheckName(event.step.id),
          headSha: sha,
          status: 'in_progress',
          startedAt: event.startedAt,
          externalId: stepExternalId(hash, event.step.id),
          title: `Running step ${event.index + 1} of ${view.plan.plan.steps.length}`,
          summary: `${codeSpan(event.step.name)} started.`,
          ...buttons(env, 'cancel'),
        }),
      );
      return;
    case 'step-finished': {
      const output = stepOutput(event.step, event.index, view.plan.plan, event.result);
      const failed = event.result.status === 'failure' || event.result.status === 'timed-out';
      const ran = event.result.status !== 'skipped' && event.result.status !== 'cancelled';
      // Edits the in-progress check run; creates the result once, completed, when that never went out
      // (or the step never started: cancelled, skipped).
      publisher.want(
        stepKey(event.step.id),
        stepSync(
          env,
          stepRuns,
          event.step.id,
          {
            name: stepCheckName(event.step.id),
            headSha: sha,
            status: 'completed',
            conclusion: conclusionOf(event.result),
            externalId: stepExternalId(hash, event.step.id),
            ...(ran ? { startedAt: event.result.startedAt } : {}),
            completedAt: now(env).toISOString(),
            ...output,
            ...(failed ? buttons(env, 'retry', 'cancel') : buttons(env)),
          },
          true,
        ),
      );
      // Step k's result is on GitHub before step k + 1 starts: a resume never runs it again.
      await publisher.settle(stepKey(event.step.id));
      return;
    }
    case 'paused':
      if (event.reason !== 'checkpoint') return;
      // Flushed before the job pauses (execute.ts).
      publisher.want(
        stepKey(event.step.id),
        stepSync(env, stepRuns, event.step.id, {
          name: stepCheckName(event.step.id),
          headSha: sha,
          status: 'completed',
          conclusion: 'action_required',
          externalId: stepExternalId(hash, event.step.id),
          completedAt: now(env).toISOString(),
          title: 'Checkpoint: waiting for /proceed',
          summary:
            `The plan stops before step ${event.index + 1}, ${codeSpan(event.step.name)}, until someone allowed comments \`/proceed\`.` +
            whoMayConfirm(event.step),
          ...buttons(env, 'proceed', 'cancel'),
        }),
      );
      return;
    case 'verify-started':
      publisher.want(GATE_KEY, async () => {
        await upsertCheck(env, checks, sha, CHECK_VERIFY, {
          status: 'in_progress',
          title: 'Verifying',
          summary: event.names.length
            ? `Running ${event.names.map((n) => codeSpan(n)).join(', ')}.`
            : 'Nothing to run.',
          ...buttons(env),
        });
      });
      return;
    case 'verify-finished': {
      const lines = event.result.checks.map(
        (c) =>
          `- ${c.status === 'success' ? '✅' : '❌'} ${codeSpan(c.id)}: ${c.status}, exit ${c.exitCode ?? c.signal ?? '—'}, ${formatDuration(c.durationMs)}`,
      );
      const failures = event.result.checks.filter((c) => c.status !== 'success');
      publisher.want(GATE_KEY, async () => {
        await upsertCheck(env, checks, sha, CHECK_VERIFY, {
          conclusion: event.result.status === 'success' ? 'success' : 'failure',
          title:
            event.result.status === 'success'
              ? 'Verified: every step and every check passed'
              : `${failures.length} check(s) failed`,
          summary: clipStart(lines.join('\n') || 'No checks to run; every step passed.', CHECK_TEXT_LIMIT)
            .text,
          text: clipText(
            failures.map((c) => `### ${c.id}\n\n${logBlock(c.tail.slice(-8_000))}`).join('\n\n'),
          ),
          ...(event.result.status === 'success' ? buttons(env) : buttons(env, 'retry')),
        });
      });
      return;
    }
    default:
      return;
  }
}

/** The publisher's object for the gate, `proceed/verify`. */
export const GATE_KEY = 'check:proceed/verify';

function stepKey(stepId: string): string {
  return `check:step:${stepId}`;
}

/**
 * Writes a step's check run as `input` says: an edit of the one this execution created for the step,
 * or a new one. A `final` state (the result) ends that check run: a later state of the step, such as
 * a checkpoint's, is a check run of its own.
 */
function stepSync(
  env: GateEnv,
  stepRuns: Map<string, number>,
  stepId: string,
  input: CheckRunInput,
  final = false,
): () => Promise<void> {
  return async () => {
    const id = stepRuns.get(stepId);
    if (id !== undefined) {
      const { name: _name, headSha: _sha, externalId: _external, startedAt: _started, ...edit } = input;
      await env.port.updateCheckRun(id, edit);
      if (final) stepRuns.delete(stepId);
      return;
    }
    const created = await env.port.createCheckRun(input);
    if (!final) stepRuns.set(stepId, created.id);
  };
}

/** After a run that did not reach the verify phase, the gate says why it is not passing. */
export async function concludeGate(
  env: GateEnv,
  view: ValidView,
  checks: CheckRunInfo[],
  report: ExecutionReport,
): Promise<void> {
  const sha = view.pr.headSha;
  const at = report.next ? ` at step ${report.next.index + 1} (${codeSpan(report.next.stepId)})` : '';
  switch (report.outcome) {
    case 'paused':
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        status: 'queued',
        title: `Paused${at}`,
        summary: `Paused at a checkpoint${at}; \`/proceed\` resumes. This check passes only when every step and verification passed.`,
        ...buttons(env),
      });
      return;
    case 'failed':
    case 'cancelled':
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        conclusion: report.outcome === 'failed' ? 'failure' : 'cancelled',
        title: report.outcome === 'failed' ? `Failed${at}` : `Cancelled${at}`,
        summary: `${report.reason ? `${escapeReason(report.reason)}\n\n` : ''}The steps did not all succeed on ${codeSpan(short(sha))}, so this commit is not verified.`,
        ...buttons(env),
      });
      return;
    default:
      return;
  }
}

/** Reasons come from the executor and the bot; they can quote plan text, so they are shown as code. */
export function escapeReason(reason: string): string {
  return codeSpan(reason);
}

function stepOutput(
  step: Step,
  index: number,
  plan: Plan,
  r: StepResult,
): { title: string; summary: string; text: string } {
  const estimate =
    r.estimateMs !== undefined ? ` against an estimate of ${formatDuration(r.estimateMs)}` : '';
  const exit =
    r.exitCode !== null ? `exit code ${r.exitCode}` : r.signal ? `killed by ${r.signal}` : 'no exit code';
  const title =
    r.status === 'success'
      ? `Succeeded in ${formatDuration(r.durationMs)}`
      : r.status === 'timed-out'
        ? `Timed out after ${formatDuration(r.durationMs)}`
        : r.status === 'failure'
          ? `Failed (${exit})`
          : r.status === 'skipped'
            ? 'Skipped'
            : 'Cancelled';
  const summary =
    `Step ${index + 1} of ${plan.steps.length}: ${codeSpan(step.name)}\n\n` +
    `- Result: **${r.status}**, ${exit}\n- Duration: ${formatDuration(r.durationMs)}${estimate}` +
    (r.reason ? `\n- ${escapeReason(r.reason)}` : '');
  const dropped = r.droppedBytes
    ? `The first ${formatCount(r.droppedBytes)} bytes of output are not shown.\n\n`
    : '';
  return { title, summary, text: logBlock(r.tail, dropped) };
}

/**
 * A log's tail as a code block within a check run's limit, keeping the end (where the error is).
 * Escaping can lengthen text (control characters are shown as ⟨U+XXXX⟩), so it shrinks until it fits.
 */
export function logBlock(tail: string, prefix = ''): string {
  if (!tail) return `${prefix}No output.`;
  let room = CHECK_TEXT_LIMIT - prefix.length - 200;
  for (;;) {
    const kept = clipStart(tail, room);
    const cut = kept.omitted ? `… ${formatCount(kept.omitted)} earlier characters cut to fit.\n\n` : '';
    const text = `${prefix}${cut}${fencedBlock(kept.text)}`;
    if (text.length <= CHECK_TEXT_LIMIT) return text;
    room = Math.floor(room * 0.8);
  }
}

/** Texts made of many logs (the failed verifications) are kept to the limit the same way. */
function clipText(text: string): string {
  return text.length <= CHECK_TEXT_LIMIT
    ? text
    : `… earlier text cut to fit.\n\n${clipStart(text, CHECK_TEXT_LIMIT - 40).text}`;
}

function conclusionOf(r: StepResult): CheckConclusion {
  return r.status === 'timed-out' ? 'timed_out' : r.status;
}

function now(env: GateEnv): Date {
  return env.now?.() ?? new Date();
}
