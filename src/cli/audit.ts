/**
 * `proceed audit PR [--repo OWNER/NAME] [--json]`: reads the audit record of a pull request's
 * execution back through the API (the `proceed/verify` check run of its head, or of its newest
 * commits before that) and prints it: a table for people, or the raw JSON. Exit 0 when a record was
 * printed, 1 when there is none or it cannot be read, 2 for wrong usage (and no token).
 */
import { parseArgs } from 'node:util';
import { readAuditRecord } from '../gate/audit.js';
import type { GitHubPort } from '../gate/port.js';
import { CHECK_VERIFY } from '../gate/view.js';
import { createOctokit } from '../github/client.js';
import { apiFailureMessage } from '../github/failure.js';
import { httpStatus, OctokitPort } from '../github/octokit.js';
import { auditJson, type AuditRecord } from '../plan/audit-record.js';
import { revealInvisible } from '../render/markdown.js';
import type { Terminal } from './terminal.js';

export const AUDIT_USAGE = `Usage: proceed audit PR [--repo OWNER/NAME] [--app SLUG] [--json]

Reads the audit record of pull request PR's execution through the API and prints it: the plan and its
hash, the commit it ran on, who approved it (when, how), who confirmed each checkpoint, every step's
attempts (start, end, exit code), the verifications, and who cancelled, skipped or retried.

Options:
      --repo OWNER/NAME  the repository (default: $GITHUB_REPOSITORY)
      --app SLUG         only a record posted by this app: your proceed app's slug, or github-actions
                         for the Action (default: any app; the one that posted it is named)
      --json             print the record's JSON as stored (format: docs/what-the-bot-posts.md)
  -h, --help             this text

The token is $GITHUB_TOKEN (read access to checks and pull requests is enough); the API is
$GITHUB_API_URL (default https://api.github.com).
Exit status: 0 printed, 1 no record (or the pull request or API could not be read), 2 wrong usage.`;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
/** How many of the pull request's newest commits are looked at when its head has no record. */
const COMMITS_READ = 20;

export async function audit(argv: string[], term: Terminal, env: NodeJS.ProcessEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        repo: { type: 'string' },
        json: { type: 'boolean' },
        app: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usage(term, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    term.out(AUDIT_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    return usage(term, 'give exactly one pull request number, e.g. proceed audit 42');
  const ref = positionals[0]!.replace(/^#/, '');
  if (!/^[1-9]\d{0,9}$/.test(ref)) return usage(term, `"${positionals[0]}" is not a pull request number`);
  const number = Number(ref);
  const repository = values.repo ?? env.GITHUB_REPOSITORY ?? '';
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length) {
    return usage(
      term,
      repository
        ? `--repo needs OWNER/NAME; it is "${repository}"`
        : 'which repository? pass --repo OWNER/NAME or set GITHUB_REPOSITORY',
    );
  }
  const token = env.GITHUB_TOKEN;
  if (!token) return usage(term, 'no token: set GITHUB_TOKEN to a token that can read the repository');
  const apiUrl = env.GITHUB_API_URL || 'https://api.github.com';
  const port = new OctokitPort(createOctokit({ token, baseUrl: apiUrl, log: () => {} }), owner, repo);

  let found: { record: AuditRecord; appSlug: string | null } | string;
  try {
    found = await findRecord(port, number, `${owner}/${repo}`, values.app?.toLowerCase());
  } catch (err) {
    term.error(`proceed audit: ${apiFailureMessage(err, apiUrl)}`);
    return EXIT.failed;
  }
  if (typeof found === 'string') {
    term.error(`proceed audit: ${found}`);
    return EXIT.failed;
  }
  term.out(values.json ? auditJson(found.record) : renderAuditText(found.record, found.appSlug));
  return EXIT.ok;
}

function usage(term: Terminal, message: string): number {
  term.error(`proceed audit: ${message}\n\n${AUDIT_USAGE}`);
  return EXIT.usage;
}

/** The newest record on the pull request's head, else on its newest commits; a sentence when there is none. */
async function findRecord(
  port: GitHubPort,
  number: number,
  repository: string,
  app: string | undefined,
): Promise<{ record: AuditRecord; appSlug: string | null } | string> {
  let head: string;
  try {
    head = (await port.getPullRequest(number)).headSha;
  } catch (err) {
    if (httpStatus(err) === 404)
      return `${repository} has no pull request #${number} (or the token cannot see it); check the number and --repo.`;
    throw err;
  }
  const commits = (await port.listPullRequestCommits(number)).map((c) => c.sha).reverse();
  const shas = [head, ...commits.filter((sha) => sha !== head)].slice(0, COMMITS_READ);
  for (const sha of shas) {
    const gates = (await port.listCheckRuns(sha, CHECK_VERIFY)).filter(
      (c) => app === undefined || c.appSlug?.toLowerCase() === app,
    );
    const found = await readAuditRecord(port, gates);
    if (found) return { record: found.record, appSlug: found.check.appSlug };
  }
  return (
    `pull request #${number} of ${repository} has no audit record: no ${CHECK_VERIFY} check run${app ? ` of the app ${app}` : ''} on its head ` +
    `${head.slice(0, 7)}${shas.length > 1 ? ` or its ${shas.length - 1} newest commit(s) before it` : ''} carries one. ` +
    'A record is written when an execution ends (verified, failed, paused at a checkpoint or cancelled); has the plan been run?'
  );
}

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

/** Rows as aligned columns. */
function columns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`);
}

/** The record for a terminal: who approved and confirmed what, and exactly what ran. */
export function renderAuditText(r: AuditRecord, appSlug: string | null = null): string {
  const out: string[] = [];
  out.push(`Audit record of ${r.repository}#${r.pullRequest}${appSlug ? ` (posted by ${appSlug})` : ''}`);
  out.push(`  Plan        ${r.plan.path}: ${r.plan.title}`);
  out.push(`  Plan hash   ${r.plan.hash}`);
  out.push(`  Ran on      ${r.commit}`);
  if (r.approvedCommit) out.push(`  Approved on ${r.approvedCommit}`);
  if (r.plan.environment) out.push(`  Environment ${r.plan.environment}`);
  out.push(`  State       ${r.state} (recorded ${when(r.updatedAt)})`);
  out.push('', 'Approvals');
  out.push(
    ...(r.approvals.length
      ? columns(
          ['WHO', 'WHEN', 'HOW', 'COMMIT'],
          r.approvals.map((a) => [a.by, when(a.at), a.via, a.commit.slice(0, 7)]),
        )
      : ['  none recorded']),
  );
  out.push('', 'Checkpoints confirmed');
  out.push(
    ...(r.checkpoints.length
      ? columns(
          ['BEFORE STEP', 'WHO', 'WHEN', 'HOW'],
          r.checkpoints.map((c) => [c.step, c.by, when(c.at), c.via ?? '-']),
        )
      : ['  none']),
  );
  out.push('', 'Cancelled, skipped, retried');
  out.push(
    ...(r.interventions.length
      ? columns(
          ['WHAT', 'WHO', 'WHEN', 'STEP'],
          r.interventions.map((i) => [i.action, i.by, when(i.at), i.step ?? '-']),
        )
      : ['  none']),
  );
  out.push('', 'Step attempts');
  out.push(
    ...(r.steps.length
      ? columns(
          ['STEP', 'ATTEMPT', 'RESULT', 'EXIT', 'STARTED', 'ENDED'],
          r.steps.map((s) => [
            s.id,
            String(s.attempt),
            s.status,
            s.exitCode !== null ? String(s.exitCode) : (s.signal ?? '-'),
            when(s.startedAt),
            when(s.endedAt),
          ]),
        )
      : ['  none']),
  );
  if (r.droppedEntries) out.push(`  (${r.droppedEntries} older entries were dropped to fit GitHub's limit)`);
  if (r.verifications.length) {
    out.push('', 'Verifications');
    out.push(
      ...columns(
        ['CHECK', 'ATTEMPT', 'RESULT', 'EXIT', 'STARTED', 'ENDED'],
        r.verifications.map((v) => [
          v.name,
          String(v.attempt),
          v.status,
          v.exitCode !== null ? String(v.exitCode) : (v.signal ?? '-'),
          when(v.startedAt),
          when(v.endedAt),
        ]),
      ),
    );
  }
  out.push('', 'Executions');
  out.push(
    ...columns(
      ['STARTED BY', 'COMMAND', 'RUNNER', 'STARTED', 'ENDED', 'OUTCOME'],
      r.jobs.map((j) => [
        j.by,
        `/${j.trigger}${j.via ? ` (${j.via})` : ''}`,
        j.runner.url ?? `${j.runner.kind} ${j.runner.id}`,
        when(j.startedAt),
        when(j.endedAt),
        `${j.outcome}${j.next ? ` at ${j.next}` : ''}`,
      ]),
    ),
  );
  out.push('', 'What the plan runs (exactly as approved)');
  if (r.plan.commandsOmitted)
    out.push(
      `  The commands were left out to fit GitHub's limit: see ${r.plan.path} at ${r.commit} (SHA-256 ${r.plan.hash}).`,
    );
  r.plan.steps.forEach((s, i) => {
    out.push(`  ${i + 1}. ${s.id}: ${s.name}${s.checkpoint ? '  [checkpoint before it]' : ''}`);
    const dir = s.workingDirectory ? ` (in ${s.workingDirectory})` : '';
    if (s.run !== undefined)
      for (const line of s.run.replace(/\n$/, '').split('\n')) out.push(`       ${s.shell}${dir}$ ${line}`);
  });
  for (const v of r.plan.verify) {
    out.push(`  verify ${v.name}`);
    if (v.run !== undefined)
      for (const line of v.run.replace(/\n$/, '').split('\n')) out.push(`       ${v.shell}$ ${line}`);
  }
  // Plan text and logins are shown, never obeyed: control characters (ANSI escapes) are made visible.
  return out.map((line) => revealInvisible(line)).join('\n');
}
