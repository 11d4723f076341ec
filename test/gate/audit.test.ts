/**
 * The audit record (issue 15, item 6) built from what jobs did, without GitHub: a first job that
 * pauses at a checkpoint, the resume that confirms it, a failure, its /retry, a /skip, a /cancel; the
 * record's JSON in the check run text, whole within GitHub's limit however large, and read back.
 */
import { describe, expect, it } from 'vitest';
import { recordExecution, recordIntervention, type JobFacts } from '../../src/gate/audit.js';
import type { ValidView } from '../../src/gate/decide.js';
import { DEFAULT_POLICY } from '../../src/gate/policy.js';
import type { StoredState } from '../../src/gate/state.js';
import type { StepResult } from '../../src/execute/events.js';
import { auditJson, parseAuditRecord, type AuditRecord } from '../../src/plan/audit-record.js';
import { planSchema } from '../../src/plan/schema.js';
import {
  AUDIT_END,
  AUDIT_START,
  auditCheckText,
  extractAuditRecord,
  withoutAudit,
} from '../../src/render/audit.js';
import { GITHUB_CHECK_TEXT_LIMIT } from '../../src/render/markdown.js';

const HEAD = 'a'.repeat(40);
const HASH = 'f'.repeat(64);
const plan = planSchema.parse({
  version: 1,
  title: 'Migrate users',
  environment: 'production',
  config: { allow_skip: true },
  steps: [
    { id: 'backup', name: 'Back up', run: 'pg_dump > b.sql' },
    { id: 'migrate', name: 'Migrate', run: 'psql -f 001.sql', checkpoint: true },
    { id: 'seed', name: 'Seed', run: 'make seed' },
  ],
  verify: { tests: 'npm test' },
});

const view = {
  pr: { number: 7, headSha: HEAD },
  plan: {
    kind: 'valid',
    path: 'deploy/m.plan.yml',
    blobSha: 'blob',
    plan,
    source: '',
    hash: HASH,
    warnings: [],
  },
  policy: DEFAULT_POLICY,
} as unknown as ValidView;

const approval = {
  by: 'bob',
  via: 'comment' as const,
  at: '2026-01-01T10:00:00.000Z',
  headSha: HEAD,
  planBlob: 'blob',
  planHash: HASH,
};

function stored(state: StoredState['state'], next?: string): StoredState {
  return {
    v: 1,
    state,
    planPath: 'deploy/m.plan.yml',
    planBlob: 'blob',
    planHash: HASH,
    headSha: HEAD,
    approval,
    confirmed: [],
    handled: [],
    ...(next ? { next } : {}),
  };
}

function result(id: string, status: StepResult['status'], exitCode: number | null, at: string): StepResult {
  return { id, status, exitCode, signal: null, startedAt: at, durationMs: 1500, tail: '', droppedBytes: 0 };
}

const runner = { kind: 'workflow-run' as const, id: '1001', url: 'https://github.com/o/r/actions/runs/1001' };
const verify = { tests: 'npm test' };

function job(over: Partial<JobFacts> & Pick<JobFacts, 'trigger' | 'by' | 'report' | 'state'>): JobFacts {
  return {
    runner,
    startedAt: '2026-01-01T10:00:01.000Z',
    endedAt: '2026-01-01T10:00:09.000Z',
    steps: [],
    ...over,
  };
}

/** Five jobs of one plan on one commit: paused, confirmed and failed, retried and failed, skipped and verified. */
function history(): AuditRecord {
  let r = recordExecution(
    undefined,
    view,
    stored('approved'),
    verify,
    job({
      trigger: 'proceed',
      by: 'bob',
      via: 'comment',
      steps: [result('backup', 'success', 0, '2026-01-01T10:00:02.000Z')],
      report: { outcome: 'paused', results: [], next: { stepId: 'migrate', index: 1 }, reason: 'paused' },
      state: 'paused',
    }),
    'o/r',
  );
  r = recordExecution(
    r,
    view,
    stored('paused', 'migrate'),
    verify,
    job({
      trigger: 'proceed',
      by: 'dana',
      via: 'button',
      startedAt: '2026-01-01T11:00:00.000Z',
      confirmed: 'migrate',
      steps: [
        result('migrate', 'success', 0, '2026-01-01T11:00:01.000Z'),
        result('seed', 'failure', 2, '2026-01-01T11:00:03.000Z'),
      ],
      report: { outcome: 'failed', results: [], next: { stepId: 'seed', index: 2 } },
      state: 'failed',
    }),
    'o/r',
  );
  r = recordExecution(
    r,
    view,
    stored('failed', 'seed'),
    verify,
    job({
      trigger: 'retry',
      by: 'bob',
      via: 'comment',
      startedAt: '2026-01-01T12:00:00.000Z',
      steps: [result('seed', 'failure', 2, '2026-01-01T12:00:01.000Z')],
      report: { outcome: 'failed', results: [], next: { stepId: 'seed', index: 2 } },
      state: 'failed',
    }),
    'o/r',
  );
  return recordExecution(
    r,
    view,
    stored('failed', 'seed'),
    verify,
    job({
      trigger: 'skip',
      by: 'carol',
      via: 'comment',
      startedAt: '2026-01-01T13:00:00.000Z',
      steps: [{ ...result('seed', 'skipped', null, '2026-01-01T13:00:01.000Z'), reason: 'skipped by /skip' }],
      report: {
        outcome: 'verified',
        results: [],
        verify: { status: 'success', checks: [result('tests', 'success', 0, '2026-01-01T13:00:02.000Z')] },
      },
      state: 'verified',
    }),
    'o/r',
  );
}

describe('the audit record', () => {
  it('says who approved, who confirmed the checkpoint, and each step’s attempts across resumes', () => {
    const r = history();
    expect(r).toMatchObject({
      proceedAudit: 1,
      repository: 'o/r',
      pullRequest: 7,
      commit: HEAD,
      approvedCommit: HEAD,
      state: 'verified',
      plan: { path: 'deploy/m.plan.yml', hash: HASH, environment: 'production' },
    });
    // One approval, however many jobs: the same approval is not listed twice.
    expect(r.approvals).toEqual([
      { by: 'bob', via: 'comment', at: approval.at, commit: HEAD, planHash: HASH },
    ]);
    expect(r.checkpoints).toEqual([
      { step: 'migrate', by: 'dana', via: 'button', at: '2026-01-01T11:00:00.000Z' },
    ]);
    expect(r.interventions).toEqual([
      { action: 'retry', by: 'bob', via: 'comment', at: '2026-01-01T12:00:00.000Z', step: 'seed' },
      { action: 'skip', by: 'carol', via: 'comment', at: '2026-01-01T13:00:00.000Z', step: 'seed' },
    ]);
    expect(r.steps.map((s) => [s.id, s.attempt, s.status, s.exitCode])).toEqual([
      ['backup', 1, 'success', 0],
      ['migrate', 1, 'success', 0],
      ['seed', 1, 'failure', 2],
      ['seed', 2, 'failure', 2],
      ['seed', 3, 'skipped', null],
    ]);
    expect(r.steps[0]).toMatchObject({
      startedAt: '2026-01-01T10:00:02.000Z',
      endedAt: '2026-01-01T10:00:03.500Z',
    });
    expect(r.verifications).toEqual([
      expect.objectContaining({ name: 'tests', attempt: 1, status: 'success', exitCode: 0 }),
    ]);
    expect(r.jobs.map((j) => [j.trigger, j.by, j.outcome, j.next])).toEqual([
      ['proceed', 'bob', 'paused', 'migrate'],
      ['proceed', 'dana', 'failed', 'seed'],
      ['retry', 'bob', 'failed', 'seed'],
      ['skip', 'carol', 'verified', undefined],
    ]);
    // What exactly ran: the commands as approved.
    expect(r.plan.steps.map((s) => s.run)).toEqual(['pg_dump > b.sql', 'psql -f 001.sql', 'make seed']);
    expect(parseAuditRecord(JSON.stringify(r))).toEqual({ ok: true, record: r });
  });

  it('starts over for another commit or plan, and records who cancelled', () => {
    const other = { ...history(), commit: 'b'.repeat(40) };
    const cancelled = recordIntervention(
      other,
      view,
      stored('paused', 'migrate'),
      verify,
      { action: 'cancel', by: 'erin', at: '2026-01-02T00:00:00.000Z', state: 'cancelled' },
      'o/r',
    );
    expect(cancelled.jobs).toEqual([]);
    expect(cancelled.interventions).toEqual([
      { action: 'cancel', by: 'erin', at: '2026-01-02T00:00:00.000Z', step: 'migrate' },
    ]);
    expect(cancelled.state).toBe('cancelled');
    const during = recordExecution(
      undefined,
      view,
      stored('approved'),
      verify,
      job({
        trigger: 'proceed',
        by: 'bob',
        cancelledBy: 'frank',
        report: { outcome: 'cancelled', results: [], next: { stepId: 'backup', index: 0 } },
        state: 'cancelled',
      }),
      'o/r',
    );
    expect(during.interventions).toEqual([
      { action: 'cancel', by: 'frank', at: '2026-01-01T10:00:09.000Z', step: 'backup' },
    ]);
  });

  it('is written into the check run text and read back; the check’s own text follows it and survives a rewrite', () => {
    const r = history();
    const text = auditCheckText(r, '### tests\n\nlog');
    expect(text.startsWith(AUDIT_START)).toBe(true);
    expect(text).toContain('| `dana` |');
    expect(extractAuditRecord(text)).toEqual({ kind: 'record', record: r });
    expect(withoutAudit(text)).toBe('### tests\n\nlog');
    expect(withoutAudit(auditCheckText(r, withoutAudit(text)))).toBe('### tests\n\nlog');
    expect(extractAuditRecord('no record here')).toEqual({ kind: 'none' });
    expect(extractAuditRecord(`${AUDIT_START}\n\`\`\`json\n{"proceedAudit":2}\n\`\`\`\n`)).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/format version 2.*upgrade proceed/),
    });
  });

  it('keeps plan text from closing the JSON block or opening a comment', () => {
    const r = history();
    r.plan.steps[0]!.run = 'echo ```\n<!-- -->\n' + AUDIT_END;
    const json = auditJson(r);
    expect(json).not.toMatch(/[`<>&]/);
    const back = extractAuditRecord(auditCheckText(r));
    expect(back.kind === 'record' && back.record.plan.steps[0]!.run).toBe(r.plan.steps[0]!.run);
  });

  it('stays within GitHub’s 65,535 characters with the JSON whole: commands out first, then old entries, then the human text', () => {
    const r = history();
    const huge = 'x'.repeat(20_000);
    r.plan.steps = Array.from({ length: 50 }, (_, i) => ({
      id: `s${i}`,
      name: `S${i}`,
      run: huge,
      shell: 'bash',
      checkpoint: false,
    }));
    r.steps = Array.from({ length: 600 }, (_, i) => ({
      ...r.steps[0]!,
      id: `s${i % 50}`,
      attempt: Math.floor(i / 50) + 1,
      reason: 'y'.repeat(300),
    }));
    const text = auditCheckText(r, 'z'.repeat(60_000));
    expect(text.length).toBeLessThanOrEqual(GITHUB_CHECK_TEXT_LIMIT);
    const back = extractAuditRecord(text);
    expect(back.kind).toBe('record');
    if (back.kind !== 'record') return;
    expect(back.record.plan.commandsOmitted).toBe(true);
    expect(back.record.plan.steps[0]!.run).toBeUndefined();
    expect(back.record.droppedEntries).toBeGreaterThan(0);
    // The newest entries are the ones kept.
    expect(back.record.steps.at(-1)).toEqual(r.steps.at(-1));
    expect(text).toContain('cut to fit GitHub’s size limit; the JSON above is the whole record');
  });
});
