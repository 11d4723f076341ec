/** Fetches exactly the approved head commit into a work tree to run a plan in (both doors that execute use it). */
import { execFile } from 'node:child_process';
import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface CheckoutOptions {
  /** GITHUB_WORKSPACE: reused only when it is a clean work tree already at `sha`. */
  workspace: string;
  /** RUNNER_TEMP: the checkout goes to `<scratch>/proceed/<sha>` when the workspace can't be used. */
  scratch: string;
  /** GITHUB_SERVER_URL, e.g. https://github.com (tests: a file:// URL to a folder of bare repositories). */
  serverUrl: string;
  owner: string;
  repo: string;
  /** The approved head SHA. */
  sha: string;
  prNumber: number;
  /** Sent only in the fetch's environment: never on a command line, never in `.git/config`, never printed. */
  token: string;
  log?: (line: string) => void;
}

export type CheckoutResult = { ok: true; dir: string; reused: boolean } | { ok: false; message: string };

export const GIT_TIMEOUT_MS = 5 * 60_000;
const GIT_OUTPUT_LINES = 6;
const GIT_OUTPUT_CHARS = 600;
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const NAME = /^[A-Za-z0-9_.-]+$/;
/** What git says when it reached the repository but it has no such commit or ref. */
const MISSING_OBJECT = /not our ref|unadvertised object|couldn't find remote ref|no such remote ref/i;

interface GitOutcome {
  ok: boolean;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why git could not start at all (not installed, not on PATH). */
  spawnError?: string;
}

/**
 * Puts the approved commit on disk for the executor: the workspace when it is already exactly
 * that commit and clean, otherwise a fresh shallow fetch of that one commit into the scratch
 * folder. A workflow started by a comment runs on the default branch without a checkout step, so
 * the commit the reviewer approved must be fetched here, and nothing else may be run instead.
 * Never throws for git or file-system failures: they come back as a refusal saying what to do.
 */
export async function checkoutApproved(o: CheckoutOptions): Promise<CheckoutResult> {
  const log = o.log ?? (() => undefined);
  const invalid = invalidOptions(o);
  if (invalid) return { ok: false, message: invalid };
  const sha = o.sha.toLowerCase();
  const short = sha.slice(0, 7);
  const mask = secretMasker(o.token);
  const refuse = (message: string): CheckoutResult => ({ ok: false, message: mask(message) });

  const workspace = await inspectWorkspace(o.workspace, sha);
  if (workspace.usable) {
    log(`proceed: the workspace is a clean checkout of ${short}; running there.`);
    return { ok: true, dir: o.workspace, reused: true };
  }

  const dir = join(o.scratch, 'proceed', sha);
  log(`proceed: the workspace ${workspace.reason}; checking out ${short} into ${dir}.`);
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  } catch (err) {
    return refuse(
      `cannot prepare ${dir} for checking out the approved commit ${short}: ${(err as Error).message} — ` +
        `check that RUNNER_TEMP (${o.scratch}) is writable.`,
    );
  }

  const result = await fetchAndCheckOut(o, sha, dir, log, mask);
  if (result.ok) return result;
  // A refused checkout leaves nothing behind that could later pass for the approved commit.
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  return refuse(result.message);
}

async function fetchAndCheckOut(
  o: CheckoutOptions,
  sha: string,
  dir: string,
  log: (line: string) => void,
  mask: (text: string) => string,
): Promise<CheckoutResult> {
  const short = sha.slice(0, 7);
  const slug = `${o.owner}/${o.repo}`;
  const url = `${o.serverUrl.replace(/\/+$/, '')}/${o.owner}/${o.repo}.git`;
  const where = `${slug} at ${displayUrl(url)}`;

  const init = await git(['init', '-q'], dir);
  if (!init.ok) return { ok: false, message: gitFailure(`could not create a repository in ${dir}`, init) };

  const auth = authConfig(o.serverUrl, o.token);
  // Masked here, before any of it is cut short or logged, so no fragment of the token survives.
  const fetch = async (ref: string): Promise<GitOutcome> => {
    const outcome = await git(
      ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', '--', url, ref],
      dir,
      auth,
    );
    return { ...outcome, stdout: mask(outcome.stdout), stderr: mask(outcome.stderr) };
  };

  log(`proceed: fetching ${short} from ${displayUrl(url)}.`);
  const direct = await fetch(sha);
  if (!direct.ok) {
    if (direct.spawnError || direct.timedOut)
      return { ok: false, message: fetchFailure(short, where, direct) };
    const pullRef = `refs/pull/${o.prNumber}/head`;
    log(`proceed: ${short} cannot be fetched directly (${lastLine(direct.stderr)}); trying ${pullRef}.`);
    const viaPull = await fetch(pullRef);
    if (!viaPull.ok) {
      if (MISSING_OBJECT.test(direct.stderr) && MISSING_OBJECT.test(viaPull.stderr)) {
        return {
          ok: false,
          message:
            `the approved commit ${short} is no longer reachable in ${slug} (and ${pullRef} was not found) — ` +
            `was the branch force-pushed? Push again and re-approve.`,
        };
      }
      return { ok: false, message: fetchFailure(short, where, viaPull) };
    }
    const pullHead = await git(['rev-parse', '--verify', 'FETCH_HEAD^{commit}'], dir);
    const head = pullHead.stdout.trim();
    if (!pullHead.ok || head !== sha) {
      return {
        ok: false,
        message:
          `the approved commit ${short} is no longer reachable in ${slug}, and pull request #${o.prNumber} ` +
          `now points at ${head.slice(0, 7) || 'another commit'} — was the branch force-pushed? ` +
          `Push again and re-approve.`,
      };
    }
  }

  const checkout = await git(['checkout', '-q', '--detach', 'FETCH_HEAD'], dir);
  if (!checkout.ok) {
    return {
      ok: false,
      message: gitFailure(
        `could not check out ${short} in ${dir}`,
        checkout,
        'check free disk space on the runner',
      ),
    };
  }
  const verify = await git(['rev-parse', '--verify', 'HEAD'], dir);
  const head = verify.stdout.trim();
  if (!verify.ok || head !== sha) {
    return {
      ok: false,
      message:
        `after checking out ${short}, HEAD in ${dir} is ${head.slice(0, 7) || 'unreadable'} — ` +
        `no step was run on a different commit; run the job again.`,
    };
  }
  log(`proceed: checked out ${short} in ${dir}.`);
  return { ok: true, dir, reused: false };
}

type WorkspaceState = { usable: true } | { usable: false; reason: string };

/** Read-only: nothing here changes the workspace, whatever state it is in. */
async function inspectWorkspace(workspace: string, sha: string): Promise<WorkspaceState> {
  if (!workspace) return { usable: false, reason: 'is not set' };
  const isDir = await stat(workspace).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return { usable: false, reason: `${workspace} does not exist` };
  const top = await git(['rev-parse', '--show-toplevel'], workspace);
  if (!top.ok)
    return { usable: false, reason: `is not a git work tree git can use (${lastLine(top.stderr)})` };
  const [topReal, workspaceReal] = await Promise.all([
    realpath(top.stdout.trim()).catch(() => top.stdout.trim()),
    realpath(workspace).catch(() => workspace),
  ]);
  if (topReal !== workspaceReal) return { usable: false, reason: `is inside another work tree (${topReal})` };
  const head = await git(['rev-parse', '--verify', 'HEAD'], workspace);
  if (!head.ok) return { usable: false, reason: 'has no commit checked out' };
  const at = head.stdout.trim();
  if (at !== sha)
    return { usable: false, reason: `is at ${at.slice(0, 7)}, not the approved ${sha.slice(0, 7)}` };
  const status = await git(['--no-optional-locks', 'status', '--porcelain'], workspace);
  if (!status.ok) return { usable: false, reason: 'has a status git cannot read' };
  if (status.stdout.trim() !== '') return { usable: false, reason: 'has uncommitted or untracked changes' };
  return { usable: true };
}

function invalidOptions(o: CheckoutOptions): string | undefined {
  const what = 'cannot check out the approved commit';
  if (!FULL_SHA.test(o.sha.toLowerCase())) return `${what}: "${o.sha}" is not a full commit SHA.`;
  if (!Number.isSafeInteger(o.prNumber) || o.prNumber < 1) {
    return `${what}: "${String(o.prNumber)}" is not a pull request number.`;
  }
  for (const name of [o.owner, o.repo]) {
    if (!NAME.test(name) || name === '.' || name === '..')
      return `${what}: "${name}" is not a repository name.`;
  }
  let server: URL;
  try {
    server = new URL(o.serverUrl);
  } catch {
    return `${what}: the server URL "${o.serverUrl}" is not a URL — check GITHUB_SERVER_URL.`;
  }
  if (!['https:', 'http:', 'file:'].includes(server.protocol)) {
    return `${what}: the server URL "${o.serverUrl}" is not an http(s) URL — check GITHUB_SERVER_URL.`;
  }
  if (!o.scratch) return `${what}: no scratch folder was given — check RUNNER_TEMP.`;
  return undefined;
}

/**
 * As actions/checkout authenticates, but through git's GIT_CONFIG_* environment rather than
 * `-c`, so the header is neither in `.git/config` nor on a command line other users can list.
 * The empty value first drops any header inherited from the runner's own git configuration.
 */
function authConfig(serverUrl: string, token: string): Array<[string, string]> {
  if (!token) return [];
  const key = `http.${serverUrl.replace(/\/+$/, '')}/.extraheader`;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return [
    [key, ''],
    [key, `AUTHORIZATION: basic ${basic}`],
  ];
}

/** Every form in which the token could reach git's output. */
function secretMasker(token: string): (text: string) => string {
  if (!token) return (text) => text;
  const forms = [
    token,
    Buffer.from(`x-access-token:${token}`).toString('base64'),
    Buffer.from(token).toString('base64'),
  ];
  return (text) => forms.reduce((masked, form) => masked.split(form).join('***'), text);
}

function gitEnv(config: Array<[string, string]>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    // As actions/checkout does by default: LFS files stay pointers instead of downloading with our token.
    GIT_LFS_SKIP_SMUDGE: '1',
  };
  // Inherited, these would point git at some other repository or pop up a credential prompt.
  for (const name of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_COMMON_DIR',
    'GIT_NAMESPACE',
    'GIT_ASKPASS',
    'SSH_ASKPASS',
  ]) {
    delete env[name];
  }
  const entries: Array<[string, string]> = [['credential.helper', ''], ['core.askPass', ''], ...config];
  const inherited = Number(env.GIT_CONFIG_COUNT ?? 0);
  const base = Number.isSafeInteger(inherited) && inherited > 0 ? inherited : 0;
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${base + i}`] = key;
    env[`GIT_CONFIG_VALUE_${base + i}`] = value;
  });
  env.GIT_CONFIG_COUNT = String(base + entries.length);
  return env;
}

function git(args: string[], cwd: string, config: Array<[string, string]> = []): Promise<GitOutcome> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd, env: gitEnv(config), timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout, stderr, timedOut: false });
        const code = (err as NodeJS.ErrnoException).code;
        const notStarted = code === 'ENOENT' || code === 'EACCES';
        resolve({
          ok: false,
          stdout,
          stderr,
          timedOut: err.killed === true && !notStarted,
          ...(notStarted ? { spawnError: err.message } : {}),
        });
      },
    );
  });
}

function fetchFailure(short: string, where: string, outcome: GitOutcome): string {
  if (outcome.timedOut) {
    return (
      `fetching the approved commit ${short} from ${where} took longer than ${GIT_TIMEOUT_MS / 60_000} minutes — ` +
      `check the runner's network access to the server and run the job again.`
    );
  }
  return gitFailure(
    `could not fetch the approved commit ${short} from ${where}`,
    outcome,
    'check that the workflow grants `contents: read` (under `permissions:`) and that its token can read the repository',
  );
}

function gitFailure(what: string, outcome: GitOutcome, advice = 'run the job again'): string {
  if (outcome.spawnError) {
    return `${what}: git could not be started (${outcome.spawnError}) — use a runner with git installed and on PATH.`;
  }
  if (outcome.timedOut)
    return `${what}: git took longer than ${GIT_TIMEOUT_MS / 60_000} minutes — ${advice}.`;
  const said = gitOutput(outcome.stderr || outcome.stdout);
  return `${what}${said ? `: ${said}` : ''} — ${advice}.`;
}

/** The end of git's output, where it says what went wrong, on one line. */
function gitOutput(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const joined = lines.slice(-GIT_OUTPUT_LINES).join(' ');
  return joined.length > GIT_OUTPUT_CHARS ? `…${joined.slice(-GIT_OUTPUT_CHARS)}` : joined;
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .pop() ?? 'no output'
  );
}

/** The URL as it may be shown: without any user or password it carries. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
