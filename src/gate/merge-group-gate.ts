/**
 * `merge_group.checks_requested`: the gate on a merge queue's group commit. Reads the group's
 * pull requests and their state, lets merge-group.ts decide, and concludes `proceed/verify` on the
 * group's commit at once: the queue waits for that check, and one left pending would hold every
 * pull request until the queue times out and ejects them. With `merge_queue: re-verify` the
 * verify phase (the group base policy's and the plans' verifications, never the steps) runs on a
 * fresh checkout of the group's commit first, each verification a check run of its own.
 */
import { executePlan } from '../execute/executor.js';
import type { StepResult } from '../execute/events.js';
import type { CheckRunInfo } from './port.js';
import { formatDuration } from '../plan/duration.js';
import { planHash } from '../plan/hash.js';
import { configSchema, type Plan, type Verification } from '../plan/schema.js';
import { clipStart, codeSpan, fencedBlock } from '../render/markdown.js';
import type { GateEvent } from './events.js';
import {
  groupMembers,
  groupVerificationCheckName,
  groupVerifications,
  judgeMergeGroup,
  memberStanding,
  type GroupVerdict,
  type Standing,
} from './merge-group.js';
import { parsePolicyFile } from './policy.js';
import type { GateResult } from './publish.js';
import { upsertCheck } from './publish.js';
import { CHECK_VERIFY, loadView, short, type GateEnv, type View } from './view.js';

type MergeGroupEvent = Extract<GateEvent, { kind: 'merge_group' }>;

/** Room for a verification's log in its check run (GitHub allows 65,535 characters). */
const LOG_CHARS = 60_000;

export async function onMergeGroup(env: GateEnv, event: MergeGroupEvent): Promise<GateResult> {
  const checks = await env.port.listCheckRuns(event.headSha);
  try {
    return await judgeAndConclude(env, event, checks);
  } catch (err) {
    // Never left pending: a failure the queue shows at once beats a timeout an hour later.
    const message = (err as Error).message;
    await upsertCheck(env, checks, event.headSha, CHECK_VERIFY, {
      conclusion: 'failure',
      title: 'proceed could not check this merge group',
      summary: `${codeSpan(message)}\n\nNothing was merged on this result; remove the pull request from the queue and add it again.`,
    }).catch((again: unknown) =>
      env.log(
        `Could not conclude ${CHECK_VERIFY} on ${short(event.headSha)} either: ${(again as Error).message}`,
      ),
    );
    throw err;
  }
}

async function judgeAndConclude(
  env: GateEnv,
  event: MergeGroupEvent,
  checks: CheckRunInfo[],
): Promise<GateResult> {
  const { port } = env;
  const sha = event.headSha;
  const base = event.baseRef.replace(/^refs\/heads\//, '');
  // The group merges into its base: that branch's policy (at the group's base commit) decides how.
  const groupPolicy = parsePolicyFile(
    (await port.readFile(env.policyPath, event.baseSha))?.content,
    env.policyPath,
  );
  if (groupPolicy.errors.length) {
    return conclude(env, checks, sha, {
      conclusion: 'failure',
      title: 'Blocked: the repository policy is invalid',
      summary: `${codeSpan(env.policyPath)} on ${codeSpan(base)} is invalid, so nothing can merge until it is fixed there:\n\n${groupPolicy.errors.map((d) => `- ${codeSpan(`${d.file}:${d.line}:${d.col}: ${d.path ? `${d.path}: ` : ''}${d.message}`)}`).join('\n')}`,
    });
  }
  const reVerify = groupPolicy.policy.merge_queue === 're-verify';
  if (reVerify) {
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      status: 'in_progress',
      title: "Checking the merge group's pull requests",
      summary: 'Every pull request must be verified on its head; then the verify phase runs on this commit.',
    });
  }

  const members = groupMembers(event, await port.listRefs(`heads/gh-readonly-queue/${base}/`));
  const standings: Standing[] = [];
  const views: View[] = [];
  for (const number of 'numbers' in members ? members.numbers : []) {
    const view = await loadView(env, number);
    const gate = (await port.listCheckRuns(view.pr.headSha, CHECK_VERIFY)).find((c) => ownCheck(env, c));
    views.push(view);
    standings.push(memberStanding(view, gate));
  }
  const verdict = judgeMergeGroup(members, standings);
  if (verdict.conclusion === 'failure' || !reVerify) return conclude(env, checks, sha, verdict);

  const runner = env.runner;
  if (!runner) {
    return conclude(env, checks, sha, {
      conclusion: 'failure',
      title: 're-verify cannot run here',
      summary:
        `${verdict.summary}\n\n\`merge_queue: re-verify\` runs the verify phase on this commit, which needs a door that runs ` +
        "commands: the Action (a workflow with `merge_group:`) or the app's inline executor. Use one of them, or `merge_queue: verified`.",
    });
  }
  const first = 'numbers' in members ? (members.numbers[0] ?? 0) : 0;
  const workspace = await runner.workspace(sha, first);
  if (!workspace.ok) {
    return conclude(env, checks, sha, {
      conclusion: 'failure',
      title: "Could not check out the group's commit",
      summary: `${verdict.summary}\n\nThe verify phase could not run on ${codeSpan(short(sha))}: ${codeSpan(workspace.message)}`,
    });
  }
  const verify = groupVerifications(
    groupPolicy.policy,
    views.flatMap((v) =>
      v.plan.kind === 'valid' ? [{ number: v.pr.number, verify: v.plan.plan.verify }] : [],
    ),
  );
  const results = await runVerifications(env, sha, event.headRef, workspace.dir, verify, runner);
  const failed = results.filter((r) => r.status !== 'success');
  const lines = results
    .map(
      (r) =>
        `- ${r.status === 'success' ? '✅' : '❌'} ${codeSpan(r.id)}: ${r.status}, exit ${r.exitCode ?? r.signal ?? '—'}, ${formatDuration(r.durationMs)}`,
    )
    .join('\n');
  const result = await conclude(env, checks, sha, {
    conclusion: failed.length ? 'failure' : 'success',
    title: failed.length
      ? `${failed.length} verification(s) failed on the group's commit`
      : `Verified: ${verdict.title}, and the verify phase passed on the group's commit`,
    summary: `${verdict.summary}\n\nThe verify phase on ${codeSpan(short(sha))}:\n\n${lines || '- nothing to run'}`,
  });
  return { ...result, failed: failed.length > 0 };
}

/** Runs the verifications alone (a plan without steps) in the checkout, each as a check run on the group's commit. */
async function runVerifications(
  env: GateEnv,
  sha: string,
  headRef: string,
  dir: string,
  verify: Record<string, Verification>,
  runner: NonNullable<GateEnv['runner']>,
): Promise<StepResult[]> {
  const source = JSON.stringify({ mergeGroup: headRef, verify });
  const plan: Plan = {
    version: 1,
    title: `The merge group ${headRef}`,
    steps: [],
    verify,
    config: configSchema.parse({}),
  };
  const runs = new Map<string, number>();
  const report = await executePlan({
    plan,
    source,
    approvedHash: planHash(source),
    planPath: '',
    cwd: dir,
    env: runner.env,
    extraEnv: { PROCEED_SHA: sha, PROCEED_MERGE_GROUP: headRef },
    verify,
    secrets: runner.secrets,
    onEvent: async (event) => {
      if (event.type === 'verify-started') {
        for (const name of event.names) {
          const created = await env.port.createCheckRun({
            name: groupVerificationCheckName(name),
            headSha: sha,
            status: 'in_progress',
            startedAt: new Date().toISOString(),
            title: 'Verifying the merge group',
            summary: `Running ${codeSpan(name)} on the group's commit.`,
          });
          runs.set(name, created.id);
        }
      } else if (event.type === 'verify-check-finished') {
        const r = event.result;
        const id = runs.get(r.id);
        if (id === undefined) return;
        await env.port.updateCheckRun(id, {
          status: 'completed',
          conclusion: r.status === 'success' ? 'success' : r.status === 'timed-out' ? 'timed_out' : 'failure',
          completedAt: new Date().toISOString(),
          title:
            r.status === 'success' ? 'Passed' : `Failed (${r.status}, exit ${r.exitCode ?? r.signal ?? '—'})`,
          summary: `${codeSpan(r.id)} on the group's commit ${codeSpan(short(sha))}: ${r.status} in ${formatDuration(r.durationMs)}${r.reason ? `\n\n${codeSpan(r.reason)}` : ''}`,
          text: r.tail ? fencedBlock(clipStart(r.tail, LOG_CHARS).text) : 'No output.',
        });
      }
    },
  });
  return report.verify?.checks ?? [];
}

async function conclude(
  env: GateEnv,
  checks: CheckRunInfo[],
  sha: string,
  verdict: GroupVerdict,
): Promise<GateResult> {
  await upsertCheck(env, checks, sha, CHECK_VERIFY, verdict);
  return {
    state: 'none',
    failed: false,
    summary: `Merge group ${short(sha)}: ${CHECK_VERIFY} ${verdict.conclusion} (${verdict.title}).`,
  };
}

/** Only the bot's own `proceed/verify` counts: any app or workflow can create a check run of that name. */
function ownCheck(env: GateEnv, check: CheckRunInfo): boolean {
  return check.appSlug !== null && `${check.appSlug}[bot]`.toLowerCase() === env.botLogin.toLowerCase();
}
