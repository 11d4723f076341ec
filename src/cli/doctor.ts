/**
 * `proceed doctor --repo OWNER/NAME`: reads a repository's setup through the API with a read-only
 * token and prints what the gate needs and lacks (setup-check.ts judges; this file reads and
 * prints). Exit 0 when nothing blocks, 1 when something does, 2 for wrong usage.
 */
import { parseArgs } from 'node:util';
import type { Octokit } from '@octokit/core';
import { POLICY_FILE, policySchema } from '../gate/policy.js';
import { createOctokit } from '../github/client.js';
import { httpStatus } from '../github/octokit.js';
import { parseYamlWithSchema } from '../plan/parse.js';
import { judgeSetup, type Finding, type SetupFacts } from './setup-check.js';
import type { Terminal } from './terminal.js';

export const DOCTOR_USAGE = `Usage: proceed doctor --repo OWNER/NAME [--app SLUG [--executor inline|dispatch]] [options]

Reads the repository's setup through the API and prints what proceed needs and lacks: the workflow on
the default branch (its events and permissions), the policy file, the required check proceed/verify
and its pinned source, the merge queue, and (with --app) the app's permissions and events.

Options:
      --repo OWNER/NAME    the repository (required)
      --token TOKEN        a read-only token (default: $GITHUB_TOKEN, then $GH_TOKEN)
      --app SLUG           the repository uses the GitHub App with this slug instead of the Action
      --executor KIND      the app's PROCEED_EXECUTOR: inline (default) or dispatch
      --workflow FILE      dispatch: the workflow the app starts (default proceed.yml)
      --policy-file PATH   the policy file (default ${POLICY_FILE})
  -h, --help               this text

The API is $GITHUB_API_URL (default https://api.github.com).
Exit status: 0 nothing blocks, 1 something does (or the repository could not be read), 2 wrong usage.`;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An API answer doctor cannot go on without: said with what to do, never a stack trace. */
class ReadError extends Error {}

export async function doctor(argv: string[], term: Terminal, env: NodeJS.ProcessEnv): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        repo: { type: 'string' },
        token: { type: 'string' },
        app: { type: 'string' },
        executor: { type: 'string' },
        workflow: { type: 'string' },
        'policy-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return usage(term, (err as Error).message);
  }
  if (values.help) {
    term.out(DOCTOR_USAGE);
    return EXIT.ok;
  }
  const [owner, repo, ...rest] = (values.repo ?? '').split('/');
  if (!owner || !repo || rest.length)
    return usage(term, `--repo needs OWNER/NAME; it is "${values.repo ?? ''}"`);
  const token = values.token ?? env.GITHUB_TOKEN ?? env.GH_TOKEN;
  if (!token) return usage(term, 'no token: pass --token, or set GITHUB_TOKEN (read access is enough)');
  const executor = values.executor ?? 'inline';
  if (executor !== 'inline' && executor !== 'dispatch')
    return usage(term, `--executor is "${executor}"; use inline or dispatch`);
  if (values.app === undefined && (values.executor !== undefined || values.workflow !== undefined))
    return usage(term, '--executor and --workflow describe the app: pass --app SLUG with them');

  const octokit = createOctokit({
    token,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    log: () => {},
  });
  let facts: SetupFacts;
  try {
    facts = await readSetup(octokit, {
      owner,
      repo,
      policyPath: values['policy-file'] ?? POLICY_FILE,
      door:
        values.app !== undefined
          ? { kind: 'app', slug: values.app, executor, workflow: values.workflow ?? 'proceed.yml' }
          : { kind: 'action' },
    });
  } catch (err) {
    if (!(err instanceof ReadError)) throw err;
    term.error(`proceed doctor: ${err.message}`);
    return EXIT.failed;
  }
  const findings = judgeSetup(facts);
  term.out(printFindings(facts, findings));
  return findings.some((f) => f.level === 'fail') ? EXIT.failed : EXIT.ok;
}

function usage(term: Terminal, message: string): number {
  term.error(`proceed doctor: ${message}\n\n${DOCTOR_USAGE}`);
  return EXIT.usage;
}

const MARK: Record<Finding['level'], string> = { ok: '✓', warn: '!', fail: '✗' };

export function printFindings(facts: SetupFacts, findings: Finding[]): string {
  const door =
    facts.door.kind === 'app' ? `the app ${facts.door.slug} (${facts.door.executor})` : 'the Action';
  const lines = [
    `proceed doctor: ${facts.repository}, default branch ${facts.defaultBranch}, through ${door}`,
    '',
  ];
  for (const f of findings) {
    lines.push(`${MARK[f.level]} ${f.subject}: ${f.message}`);
    if (f.fix) lines.push(`    → ${f.fix}`);
  }
  const fails = findings.filter((f) => f.level === 'fail').length;
  const warns = findings.filter((f) => f.level === 'warn').length;
  lines.push(
    '',
    fails
      ? `${fails} problem(s) block proceed${warns ? `, ${warns} warning(s)` : ''}.`
      : `Nothing blocks proceed${warns ? `; ${warns} warning(s)` : ''}.`,
  );
  return lines.join('\n');
}

interface ReadOptions {
  owner: string;
  repo: string;
  policyPath: string;
  door: SetupFacts['door'];
}

/** Everything `judgeSetup` needs, read with GET requests only. */
export async function readSetup(octokit: Octokit, o: ReadOptions): Promise<SetupFacts> {
  const where = { owner: o.owner, repo: o.repo };
  const full = `${o.owner}/${o.repo}`;
  const repository = await must(
    () => octokit.request('GET /repos/{owner}/{repo}', where),
    `the repository ${full}`,
    'Check --repo, and that the token can read the repository.',
  );
  const branch = repository.data.default_branch;

  const workflows: SetupFacts['workflows'] = [];
  const listing = await optional(() =>
    octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...where,
      path: '.github/workflows',
      ref: branch,
    }),
  );
  const entries = Array.isArray(listing?.data) ? listing.data : [];
  for (const entry of entries) {
    if (entry.type !== 'file' || !/\.ya?ml$/.test(entry.name)) continue;
    const source = await readText(octokit, where, entry.path, branch);
    if (source !== undefined) workflows.push({ path: entry.path, source });
  }

  const policySource = await readText(octokit, where, o.policyPath, branch);
  let policy: SetupFacts['policy'] = { found: false, path: o.policyPath };
  if (policySource !== undefined) {
    const parsed = parseYamlWithSchema(policySource, o.policyPath, policySchema);
    policy = parsed.ok
      ? { found: true, path: o.policyPath, errors: [], value: parsed.value }
      : { found: true, path: o.policyPath, errors: parsed.errors, value: undefined };
  }

  const branchInfo = await optional(() =>
    octokit.request('GET /repos/{owner}/{repo}/branches/{branch}', { ...where, branch }),
  );
  let protection: SetupFacts['protection'] = 'unreadable';
  if (branchInfo) {
    const checks = branchInfo.data.protection.required_status_checks?.checks ?? [];
    protection = branchInfo.data.protected
      ? { checks: checks.map((c) => ({ context: c.context, appId: c.app_id })) }
      : 'none';
  }

  const rulesAnswer = await optional(() =>
    octokit.request('GET /repos/{owner}/{repo}/rules/branches/{branch}', { ...where, branch, per_page: 100 }),
  );
  const rules: SetupFacts['rules'] = rulesAnswer
    ? rulesAnswer.data.map((r) => ({
        type: r.type,
        ...('parameters' in r ? { parameters: r.parameters } : {}),
      }))
    : 'unreadable';

  let app: SetupFacts['app'];
  if (o.door.kind === 'app') {
    const answer = await optional(() =>
      octokit.request('GET /apps/{app_slug}', { app_slug: (o.door as { slug: string }).slug }),
    );
    if (answer?.data) {
      app = {
        id: answer.data.id,
        permissions: { ...answer.data.permissions } as Record<string, string | undefined>,
        events: [...answer.data.events],
      };
    }
  }
  return {
    repository: full,
    defaultBranch: branch,
    workflows,
    policy,
    protection,
    rules,
    door: o.door,
    ...(app ? { app } : {}),
  };
}

/** A file's text on a ref, or undefined when it is not there. */
async function readText(
  octokit: Octokit,
  where: { owner: string; repo: string },
  path: string,
  ref: string,
): Promise<string | undefined> {
  const answer = await optional(() =>
    octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...where,
      path,
      ref,
      mediaType: { format: 'raw' },
    }),
  );
  return typeof answer?.data === 'string' ? answer.data : undefined;
}

/** A read whose 404 or 403 means "not there, or not visible to this token": undefined. */
async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    const status = httpStatus(err);
    if (status === 404 || status === 403) return undefined;
    throw new ReadError(
      `GitHub answered ${status ?? 'no'} status: ${(err as Error).message}. Check the token and GITHUB_API_URL, then run doctor again.`,
    );
  }
}

/** A read doctor cannot go on without. */
async function must<T>(read: () => Promise<T>, what: string, fix: string): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const status = httpStatus(err);
    const why =
      status === 401
        ? 'the token was refused (401); pass a valid one with --token or GITHUB_TOKEN'
        : status === 404
          ? `GitHub has no ${what.replace(/^the /, '')} visible to this token (404). ${fix}`
          : `${(err as Error).message}${status ? ` (HTTP ${status})` : ''}. ${fix}`;
    throw new ReadError(`could not read ${what}: ${why}`);
  }
}
