/**
 * The audit record (src/plan/audit-record.ts) for people and for `proceed audit`: Markdown tables for
 * the job summary and the `proceed/verify` check run, with the record's JSON whole in a collapsed
 * block that a reader finds again between two markers. Within GitHub's limit the JSON is never cut:
 * commands are left out of it first (the plan file at the recorded commit and hash has them), then the
 * oldest entries, and only the human text is trimmed.
 */
import { auditJson, parseAuditRecord, type AuditRecord } from '../plan/audit-record.js';
import { codeSpan, GITHUB_CHECK_TEXT_LIMIT, table } from './markdown.js';

/** Where the audit part of a check run's text begins and ends; what follows the end is the check's own text. */
export const AUDIT_START = '<!-- proceed:audit -->';
export const AUDIT_END = '<!-- proceed:audit-end -->';
const JSON_OPEN = '```json';
const JSON_CLOSE = '```';

const cell = (text: string) => codeSpan(text, { inTable: true });
const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

/** The record's tables: approvals, checkpoints, interventions, steps, verifications, jobs. */
export function renderAuditTables(r: AuditRecord): string {
  const parts: string[] = [];
  parts.push(
    `Plan ${codeSpan(r.plan.path)} (SHA-256 ${codeSpan(r.plan.hash.slice(0, 12))}) ran on ${codeSpan(r.commit.slice(0, 7))}` +
      (r.approvedCommit ? `, approved on ${codeSpan(r.approvedCommit.slice(0, 7))}` : '') +
      (r.plan.environment ? `, environment ${codeSpan(r.plan.environment)}` : '') +
      `; the plan is now **${r.state}**.`,
  );
  if (r.approvals.length)
    parts.push(
      '**Approvals**\n\n' +
        table(
          ['Who', 'When', 'How', 'Commit'],
          ['left', 'left', 'left', 'left'],
          r.approvals.map((a) => [cell(a.by), when(a.at), a.via, cell(a.commit.slice(0, 7))]),
        ),
    );
  if (r.checkpoints.length)
    parts.push(
      '**Checkpoints confirmed**\n\n' +
        table(
          ['Before step', 'Who', 'When', 'How'],
          ['left', 'left', 'left', 'left'],
          r.checkpoints.map((c) => [cell(c.step), cell(c.by), when(c.at), c.via ?? '—']),
        ),
    );
  if (r.interventions.length)
    parts.push(
      '**Cancelled, skipped, retried**\n\n' +
        table(
          ['What', 'Who', 'When', 'Step'],
          ['left', 'left', 'left', 'left'],
          r.interventions.map((i) => [i.action, cell(i.by), when(i.at), i.step ? cell(i.step) : '—']),
        ),
    );
  if (r.steps.length)
    parts.push(
      '**Steps**\n\n' +
        table(
          ['Step', 'Attempt', 'Result', 'Exit', 'Started', 'Ended'],
          ['left', 'right', 'left', 'right', 'left', 'left'],
          r.steps.map((s) => [
            cell(s.id),
            String(s.attempt),
            s.status,
            s.exitCode !== null ? String(s.exitCode) : (s.signal ?? '—'),
            when(s.startedAt),
            when(s.endedAt),
          ]),
        ),
    );
  if (r.verifications.length)
    parts.push(
      '**Verifications**\n\n' +
        table(
          ['Check', 'Attempt', 'Result', 'Exit', 'Started', 'Ended'],
          ['left', 'right', 'left', 'right', 'left', 'left'],
          r.verifications.map((v) => [
            cell(v.name),
            String(v.attempt),
            v.status,
            v.exitCode !== null ? String(v.exitCode) : (v.signal ?? '—'),
            when(v.startedAt),
            when(v.endedAt),
          ]),
        ),
    );
  if (r.jobs.length)
    parts.push(
      '**Executions**\n\n' +
        table(
          ['Started by', 'Command', 'Runner', 'Started', 'Ended', 'Outcome'],
          ['left', 'left', 'left', 'left', 'left', 'left'],
          r.jobs.map((j) => [
            cell(j.by),
            `/${j.trigger}${j.via ? ` (${j.via})` : ''}`,
            cell(`${j.runner.kind} ${j.runner.id}`),
            when(j.startedAt),
            when(j.endedAt),
            `${j.outcome}${j.next ? ` at ${cell(j.next)}` : ''}`,
          ]),
        ),
    );
  return parts.join('\n\n');
}

/** The record as a collapsed JSON block between the markers a reader looks for. */
function jsonBlock(json: string): string {
  return (
    '<details><summary>The record as JSON (<code>proceed audit PR --json</code> prints it)</summary>\n\n' +
    `${JSON_OPEN}\n${json}\n${JSON_CLOSE}\n\n</details>`
  );
}

/**
 * The record, made smaller until its JSON block takes at most `room` characters: commands out first,
 * then the oldest step and verification entries. Always valid JSON of the same format.
 */
export function fitRecord(record: AuditRecord, room: number): AuditRecord {
  let r = record;
  if (jsonBlock(auditJson(r)).length <= room) return r;
  r = {
    ...r,
    plan: {
      ...r.plan,
      commandsOmitted: true,
      steps: r.plan.steps.map(({ run: _run, rollback: _rollback, ...s }) => s),
      verify: r.plan.verify.map(({ run: _run, ...v }) => v),
    },
  };
  while (jsonBlock(auditJson(r)).length > room && (r.steps.length || r.verifications.length)) {
    const drop = Math.max(1, Math.ceil((r.steps.length + r.verifications.length) / 10));
    const fromSteps = Math.min(drop, r.steps.length);
    r = {
      ...r,
      steps: r.steps.slice(fromSteps),
      verifications: r.verifications.slice(drop - fromSteps),
      droppedEntries: (r.droppedEntries ?? 0) + drop,
    };
  }
  return r;
}

/**
 * The audit part that opens the `proceed/verify` check run's text, followed by the check's own text
 * (`rest`), within GitHub's limit: the JSON whole, the tables and `rest` trimmed from their end.
 */
export function auditCheckText(record: AuditRecord, rest = '', limit = GITHUB_CHECK_TEXT_LIMIT): string {
  const heading = '## 🧾 Audit record';
  const fitted = fitRecord(record, limit - heading.length - AUDIT_START.length - AUDIT_END.length - 400);
  const json = jsonBlock(auditJson(fitted));
  const head = `${AUDIT_START}\n${heading}\n\n${json}\n\n`;
  const human = `${renderAuditTables(fitted)}\n\n${AUDIT_END}${rest ? `\n\n${rest}` : ''}`;
  const room = limit - head.length;
  if (human.length <= room) return head + human;
  const note = '\n\n… cut to fit GitHub’s size limit; the JSON above is the whole record.';
  const kept = human.slice(0, Math.max(0, room - note.length - AUDIT_END.length - 2));
  const line = kept.lastIndexOf('\n');
  return `${head}${line > 0 ? kept.slice(0, line) : kept}${note}\n\n${AUDIT_END}`;
}

/** The check's own text, without an audit part written before. */
export function withoutAudit(text: string | null | undefined): string {
  if (!text) return '';
  if (!text.startsWith(AUDIT_START)) return text;
  const end = text.indexOf(AUDIT_END);
  return end < 0 ? '' : text.slice(end + AUDIT_END.length).replace(/^\n+/, '');
}

/** The record in a text written by `auditCheckText` (or the job summary): absent, or read, or why it cannot be. */
export function extractAuditRecord(
  text: string | null | undefined,
): { kind: 'none' } | { kind: 'record'; record: AuditRecord } | { kind: 'invalid'; message: string } {
  const start = text?.indexOf(AUDIT_START) ?? -1;
  if (!text || start < 0) return { kind: 'none' };
  const open = text.indexOf(`${JSON_OPEN}\n`, start);
  const close = open < 0 ? -1 : text.indexOf(`\n${JSON_CLOSE}\n`, open + JSON_OPEN.length);
  if (open < 0 || close < 0) return { kind: 'invalid', message: 'the record’s JSON block is not there' };
  const parsed = parseAuditRecord(text.slice(open + JSON_OPEN.length + 1, close));
  return parsed.ok ? { kind: 'record', record: parsed.record } : { kind: 'invalid', message: parsed.message };
}

/** The job summary's section: the same as the check run's, without a limit to keep to. */
export function auditSummary(record: AuditRecord): string {
  return auditCheckText(record, '', 1_000_000);
}
