/**
 * The audit record of an execution (issue 15, item 6): built from what the job did (pure: `recordExecution`,
 * `recordIntervention`), read back from and attached to the `proceed/verify` check run of the commit, so a
 * resume (a checkpoint's pause, then the next job) adds to the record instead of starting over.
 */
import type { ExecutionReport } from '../execute/executor.js';
import type { StepResult } from '../execute/events.js';
import { AUDIT_VERSION, type AuditRecord } from '../plan/audit-record.js';
import type { Verification } from '../plan/schema.js';
import { auditCheckText, extractAuditRecord, withoutAudit } from '../render/audit.js';
import type { Door } from './authorize.js';
import type { Trigger, ValidView } from './decide.js';
import type { HolderIdentity } from './lock.js';
import { mergeVerify } from './policy.js';
import type { CheckRunInfo, GitHubPort } from './port.js';
import type { StoredState } from './state.js';
import { CHECK_VERIFY } from './view.js';

/** How many of the commit's `proceed/verify` check runs are looked through for the record, newest first. */
const GATES_READ = 5;

/** What one job did, as `recordExecution` needs it. */
export interface JobFacts {
  trigger: Trigger;
  by: string;
  via?: Door;
  runner: HolderIdentity;
  startedAt: string;
  endedAt: string;
  report: ExecutionReport;
  /** The steps' results this job produced, in order (a step not run again is not among them). */
  steps: StepResult[];
  /** The step whose checkpoint this job's `/proceed` confirmed. */
  confirmed?: string;
  /** Who cancelled the running execution, when someone did. */
  cancelledBy?: string;
  /** The state the job left the plan in. */
  state: string;
}

/** The record this commit and plan already have, or a new one; the approval of `stored` is in it. */
function baseRecord(
  previous: AuditRecord | undefined,
  view: ValidView,
  stored: StoredState,
  verify: Record<string, Verification>,
  at: string,
): AuditRecord {
  const { plan, path, hash } = view.plan;
  const same = previous && previous.commit === view.pr.headSha && previous.plan.hash === hash;
  const record: AuditRecord = same
    ? structuredClone(previous)
    : {
        proceedAudit: AUDIT_VERSION,
        repository: '',
        pullRequest: view.pr.number,
        commit: view.pr.headSha,
        plan: {
          path,
          hash,
          title: plan.title,
          ...(plan.environment ? { environment: plan.environment } : {}),
          steps: plan.steps.map((s) => ({
            id: s.id,
            name: s.name,
            ...(s.run !== undefined ? { run: s.run } : {}),
            shell: s.shell,
            ...(s['working-directory'] ? { workingDirectory: s['working-directory'] } : {}),
            checkpoint: s.checkpoint !== false,
            ...(typeof s.checkpoint === 'object' ? { checkpointApprovers: s.checkpoint.approvers } : {}),
            ...(s.rollback !== undefined ? { rollback: s.rollback } : {}),
          })),
          verify: Object.entries(verify).map(([name, v]) =>
            typeof v === 'string' ? { name, run: v, shell: 'bash' } : { name, run: v.run, shell: v.shell },
          ),
        },
        approvals: [],
        checkpoints: [],
        interventions: [],
        jobs: [],
        steps: [],
        verifications: [],
        state: stored.state,
        updatedAt: at,
      };
  const a = stored.approval;
  if (a) record.approvedCommit = a.headSha;
  // The approval the execution is bound to and, under a quorum (issue 15, item 1), every other one
  // that counted: one entry per person, commit and plan (a later /proceed by the same person renews
  // it, it is not a second approval; /retry and /skip are interventions, listed below).
  const quorum = view.policy.approvers.count > 1 ? (stored.approvals ?? []) : [];
  for (const x of [...(a ? [a] : []), ...quorum]) {
    if (!record.approvals.some((y) => y.by === x.by && y.commit === x.headSha && y.planHash === x.planHash))
      record.approvals.push({ by: x.by, via: x.via, at: x.at, commit: x.headSha, planHash: x.planHash });
  }
  return record;
}

const endOf = (r: StepResult) => new Date(Date.parse(r.startedAt) + r.durationMs).toISOString();

/** The record after one job: its trigger, what it confirmed, each step's attempt and the verifications. */
export function recordExecution(
  previous: AuditRecord | undefined,
  view: ValidView,
  prior: StoredState,
  verify: Record<string, Verification>,
  job: JobFacts,
  repository: string,
): AuditRecord {
  const r = baseRecord(previous, view, prior, verify, job.endedAt);
  r.repository = repository;
  if (job.confirmed)
    r.checkpoints.push({
      step: job.confirmed,
      by: job.by,
      ...(job.via ? { via: job.via } : {}),
      at: job.startedAt,
    });
  if (job.trigger !== 'proceed')
    r.interventions.push({
      action: job.trigger,
      by: job.by,
      ...(job.via ? { via: job.via } : {}),
      at: job.startedAt,
      step: prior.next ?? (prior.state === 'verify-failed' ? 'verify' : undefined),
    });
  for (const s of job.steps) {
    const attempt = r.steps.filter((e) => e.id === s.id).length + 1;
    r.steps.push({
      id: s.id,
      attempt,
      status: s.status,
      exitCode: s.exitCode,
      signal: s.signal,
      startedAt: s.startedAt,
      endedAt: endOf(s),
      durationMs: s.durationMs,
      ...(s.reason ? { reason: s.reason.slice(0, 300) } : {}),
    });
  }
  for (const v of job.report.verify?.checks ?? []) {
    const attempt = r.verifications.filter((e) => e.name === v.id).length + 1;
    r.verifications.push({
      name: v.id,
      attempt,
      status: v.status,
      exitCode: v.exitCode,
      signal: v.signal,
      startedAt: v.startedAt,
      endedAt: endOf(v),
      durationMs: v.durationMs,
    });
  }
  if (job.cancelledBy)
    r.interventions.push({
      action: 'cancel',
      by: job.cancelledBy,
      at: job.endedAt,
      ...(job.report.next ? { step: job.report.next.stepId } : {}),
    });
  r.jobs.push({
    trigger: job.trigger,
    by: job.by,
    ...(job.via ? { via: job.via } : {}),
    runner: { kind: job.runner.kind, id: job.runner.id, ...(job.runner.url ? { url: job.runner.url } : {}) },
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    outcome: job.report.outcome,
    ...(job.report.next ? { next: job.report.next.stepId } : {}),
    ...(job.report.reason ? { reason: job.report.reason.slice(0, 300) } : {}),
  });
  r.state = job.state;
  r.updatedAt = job.endedAt;
  return r;
}

/** An intervention outside an execution: a `/cancel` of a plan not running, a checkpoint that timed out. */
export interface Intervention {
  action: 'cancel' | 'time-out';
  /** Who cancelled; for a time-out, the policy's setting that ended it. */
  by: string;
  at: string;
  /** The state the plan is left in. */
  state: string;
}

/** The record after an intervention on a plan that was not running (paused at a checkpoint, or stopped). */
export function recordIntervention(
  previous: AuditRecord | undefined,
  view: ValidView,
  stored: StoredState,
  verify: Record<string, Verification>,
  intervention: Intervention,
  repository: string,
): AuditRecord {
  const r = baseRecord(previous, view, stored, verify, intervention.at);
  r.repository = repository;
  r.interventions.push({
    action: intervention.action,
    by: intervention.by,
    at: intervention.at,
    ...(stored.next ? { step: stored.next } : {}),
  });
  r.state = intervention.state;
  r.updatedAt = intervention.at;
  return r;
}

/**
 * Adds an intervention to the audit record of the approved plan on its commit (a plan never approved
 * has no record to add to): reads the record from the commit's `proceed/verify` check runs
 * (`checks`, else read here), starts a new one for another commit or plan, and attaches it.
 */
export async function auditIntervention(
  port: GitHubPort,
  view: ValidView,
  stored: StoredState,
  intervention: Intervention,
  checks?: CheckRunInfo[],
): Promise<void> {
  if (!stored.approval) return;
  const sha = view.pr.headSha;
  const audited = await readAuditRecord(port, checks ?? (await port.listCheckRuns(sha, CHECK_VERIFY)));
  const same =
    audited && audited.record.commit === sha && audited.record.plan.hash === view.plan.hash
      ? audited.record
      : undefined;
  const { verify } = mergeVerify(view.plan.plan.verify, view.policy);
  const record = recordIntervention(same, view, stored, verify, intervention, `${port.owner}/${port.repo}`);
  await attachAuditRecord(port, sha, record);
}

/** The newest record on `sha` in the given `proceed/verify` check runs, read through the port. */
export async function readAuditRecord(
  port: GitHubPort,
  gates: CheckRunInfo[],
): Promise<{ record: AuditRecord; check: CheckRunInfo } | undefined> {
  const newest = gates
    .filter((c) => c.name === CHECK_VERIFY)
    .sort((a, b) => b.id - a.id)
    .slice(0, GATES_READ);
  for (const check of newest) {
    const found = extractAuditRecord(await port.getCheckRunText(check.id));
    if (found.kind === 'record') return { record: found.record, check };
  }
  return undefined;
}

/**
 * Writes the record at the start of the newest `proceed/verify` check run's text (keeping the check's
 * own text after it, its title and summary as they are), within GitHub's limit.
 */
export async function attachAuditRecord(port: GitHubPort, sha: string, record: AuditRecord): Promise<void> {
  const gate = (await port.listCheckRuns(sha, CHECK_VERIFY)).sort((a, b) => b.id - a.id)[0];
  if (!gate) return;
  const own = withoutAudit(await port.getCheckRunText(gate.id));
  await port.updateCheckRun(gate.id, {
    title: gate.title ?? 'proceed/verify',
    summary: gate.summary || gate.title || 'proceed/verify',
    text: auditCheckText(record, own),
  });
}
