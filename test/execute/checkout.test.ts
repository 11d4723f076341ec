/**
 * Checking out the approved commit with real git against a folder of bare repositories standing
 * in for GitHub (`file://<tmp>/octo-org/widgets.git`), without network.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkoutApproved, type CheckoutOptions, type CheckoutResult } from '../../src/execute/checkout.js';

const TOKEN = 'ghs_FAKEtoken0123456789abcdefSECRET';
const TOKEN_FORMS = [TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64')];
const MISSING_SHA = 'deadbeef'.repeat(5);

let tmp: string;
let serverUrl: string;
let globalConfig: string;
let realGit: string;
/** main: one → two; pull request #7 adds feature.txt on top; `orphan` was an earlier head of #7, no longer referenced. */
const sha = { one: '', two: '', feature: '', orphan: '' };
const savedEnv = { ...process.env };

function git(cwd: string, ...args: string[]): string {
  return execFileSync(realGit, args, { cwd, encoding: 'utf8' }).trim();
}

function commit(cwd: string, file: string, content: string): string {
  writeFileSync(join(cwd, file), content);
  git(cwd, 'add', file);
  git(cwd, 'commit', '-q', '-m', `${file}: ${content}`);
  return git(cwd, 'rev-parse', 'HEAD');
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'proceed-checkout-'));
  realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  // The developer's own git configuration must not change what these tests see.
  globalConfig = join(tmp, 'gitconfig');
  writeFileSync(globalConfig, '');
  Object.assign(process.env, {
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Octo Cat',
    GIT_AUTHOR_EMAIL: 'octo@example.com',
    GIT_COMMITTER_NAME: 'Octo Cat',
    GIT_COMMITTER_EMAIL: 'octo@example.com',
  });

  const src = join(tmp, 'src');
  mkdirSync(src);
  git(src, 'init', '-q', '-b', 'main');
  sha.one = commit(src, 'README.md', 'one');
  sha.two = commit(src, 'app.txt', 'two');
  git(src, 'checkout', '-q', '-b', 'old-head');
  sha.orphan = commit(src, 'feature.txt', 'first try');
  git(src, 'checkout', '-q', '-b', 'pr', 'main');
  sha.feature = commit(src, 'feature.txt', 'feature');
  git(src, 'checkout', '-q', 'main');

  const server = join(tmp, 'server');
  serverUrl = `file://${server}`;
  for (const name of ['widgets', 'gadgets']) {
    const bare = join(server, 'octo-org', `${name}.git`);
    git(tmp, 'clone', '-q', '--bare', '--no-local', src, bare);
    git(bare, 'update-ref', 'refs/pull/7/head', sha.feature);
    git(bare, 'branch', '-q', '-D', 'pr');
    // As a force-push leaves it: the object is still on the server, no ref points at it.
    git(bare, 'branch', '-q', '-D', 'old-head');
  }
  // widgets: fetching any SHA is allowed, as on GitHub. gadgets: only advertised refs can be fetched.
  git(join(server, 'octo-org', 'widgets.git'), 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  git(join(server, 'octo-org', 'gadgets.git'), 'config', 'uploadpack.allowAnySHA1InWant', 'false');
  git(join(server, 'octo-org', 'gadgets.git'), 'config', 'uploadpack.allowReachableSHA1InWant', 'false');
});

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  rmSync(tmp, { recursive: true, force: true });
});

let case_ = 0;
afterEach(() => {
  writeFileSync(globalConfig, '');
  process.env.PATH = savedEnv.PATH;
});

/** A fresh workspace and scratch folder per test, so tests cannot see each other's checkouts. */
function options(overrides: Partial<CheckoutOptions> = {}): CheckoutOptions & { lines: string[] } {
  const root = join(tmp, `case-${++case_}`);
  const workspace = join(root, 'workspace');
  const scratch = join(root, 'runner-temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(scratch, { recursive: true });
  const lines: string[] = [];
  return {
    workspace,
    scratch,
    serverUrl,
    owner: 'octo-org',
    repo: 'widgets',
    sha: sha.feature,
    prNumber: 7,
    token: TOKEN,
    log: (line) => lines.push(line),
    lines,
    ...overrides,
  };
}

function expectCheckedOut(result: CheckoutResult): string {
  if (!result.ok) throw new Error(`expected a checkout, got the refusal: ${result.message}`);
  return result.dir;
}

function expectRefused(result: CheckoutResult): string {
  if (result.ok) throw new Error(`expected a refusal, got a checkout in ${result.dir}`);
  return result.message;
}

/** A clone of widgets in the workspace, at `at`. */
function cloneInto(workspace: string, at: string): void {
  git(workspace, 'clone', '-q', `${serverUrl}/octo-org/widgets.git`, '.');
  git(workspace, 'fetch', '-q', 'origin', 'refs/pull/7/head');
  git(workspace, 'checkout', '-q', '--detach', at);
}

/**
 * Puts a stand-in for git first on PATH: it records each call (arguments, then the GIT_CONFIG_*
 * environment) and passes it on to the real git, except as `behaviour` says.
 */
function fakeGit(
  behaviour: 'record' | 'refuse-fetch-by-sha' | 'print-credentials' | 'commit-after-checkout',
): string {
  const bin = mkdtempSync(join(tmp, 'bin-'));
  const record = join(bin, 'calls.log');
  const script = `#!/bin/sh
printf 'argv: %s\\n' "$*" >> '${record}'
env | grep '^GIT_CONFIG_' >> '${record}'
if [ "$1" = fetch ]; then
  for last; do :; done
  case '${behaviour}' in
    refuse-fetch-by-sha)
      case "$last" in
        refs/*) ;;
        *) echo "error: Server does not allow request for unadvertised object $last" >&2; exit 1 ;;
      esac ;;
    print-credentials)
      env | grep '^GIT_CONFIG_VALUE_' >&2
      env | sed -n 's/^GIT_CONFIG_VALUE_[0-9]*=AUTHORIZATION: basic //p' | base64 -d >&2
      echo >&2
      echo "fatal: unable to access '$last': The requested URL returned error: 403" >&2
      exit 128 ;;
  esac
fi
if [ "$1" = checkout ] && [ '${behaviour}' = commit-after-checkout ]; then
  '${realGit}' "$@" && exec '${realGit}' commit -q --allow-empty -m 'not the approved commit'
fi
exec '${realGit}' "$@"
`;
  writeFileSync(join(bin, 'git'), script);
  chmodSync(join(bin, 'git'), 0o755);
  process.env.PATH = `${bin}:${savedEnv.PATH ?? ''}`;
  return record;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('checkoutApproved: a workspace that is not the approved commit', () => {
  it('checks out the approved commit into <scratch>/proceed/<sha>, with exactly that commit’s files', async () => {
    const o = options();
    const dir = expectCheckedOut(await checkoutApproved(o));

    expect(dir).toBe(join(o.scratch, 'proceed', sha.feature));
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(sha.feature);
    expect(readFileSync(join(dir, 'feature.txt'), 'utf8')).toBe('feature');
    expect(readFileSync(join(dir, 'app.txt'), 'utf8')).toBe('two');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('checks out a commit of the default branch by its SHA as well', async () => {
    const dir = expectCheckedOut(await checkoutApproved(options({ sha: sha.two })));

    expect(git(dir, 'rev-parse', 'HEAD')).toBe(sha.two);
    expect(existsSync(join(dir, 'feature.txt'))).toBe(false);
  });

  it('leaves a workspace at another commit exactly as it was', async () => {
    const o = options();
    cloneInto(o.workspace, sha.two);
    writeFileSync(join(o.workspace, 'notes.txt'), 'mine');
    const before = {
      head: git(o.workspace, 'rev-parse', 'HEAD'),
      status: git(o.workspace, 'status', '--porcelain'),
    };

    const result = await checkoutApproved(o);

    expect(result).toEqual({ ok: true, dir: join(o.scratch, 'proceed', sha.feature), reused: false });
    expect(git(o.workspace, 'rev-parse', 'HEAD')).toBe(before.head);
    expect(git(o.workspace, 'status', '--porcelain')).toBe(before.status);
    expect(readFileSync(join(o.workspace, 'notes.txt'), 'utf8')).toBe('mine');
    expect(o.lines.join('\n')).toContain(
      `is at ${sha.two.slice(0, 7)}, not the approved ${sha.feature.slice(0, 7)}`,
    );
  });
});

describe('checkoutApproved: a workspace already at the approved commit', () => {
  it('reuses it when it is clean, without fetching anything', async () => {
    const o = options();
    cloneInto(o.workspace, sha.feature);

    const result = await checkoutApproved(o);

    expect(result).toEqual({ ok: true, dir: o.workspace, reused: true });
    expect(existsSync(join(o.scratch, 'proceed'))).toBe(false);
  });

  it.each([
    ['a changed tracked file', 'app.txt'],
    ['an untracked file', 'stray.txt'],
  ])('does not reuse it with %s, and leaves that change alone', async (_, file) => {
    const o = options();
    cloneInto(o.workspace, sha.feature);
    writeFileSync(join(o.workspace, file), 'local edit');

    const dir = expectCheckedOut(await checkoutApproved(o));

    expect(dir).toBe(join(o.scratch, 'proceed', sha.feature));
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(sha.feature);
    expect(existsSync(join(dir, 'stray.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'app.txt'), 'utf8')).toBe('two');
    expect(readFileSync(join(o.workspace, file), 'utf8')).toBe('local edit');
  });

  it('does not reuse a folder inside another work tree at that commit', async () => {
    const o = options();
    cloneInto(o.workspace, sha.feature);
    const nested = join(o.workspace, 'sub');
    mkdirSync(nested);

    const result = await checkoutApproved({ ...o, workspace: nested });

    expect(result).toMatchObject({ ok: true, reused: false });
  });
});

describe('checkoutApproved: a checkout folder left by an earlier attempt', () => {
  it('is replaced by a fresh checkout', async () => {
    const o = options();
    const leftover = join(o.scratch, 'proceed', sha.feature);
    mkdirSync(join(leftover, '.git'), { recursive: true });
    writeFileSync(join(leftover, '.git', 'HEAD'), 'garbage');
    writeFileSync(join(leftover, 'half-written.txt'), 'from the crashed run');

    const dir = expectCheckedOut(await checkoutApproved(o));

    expect(dir).toBe(leftover);
    expect(existsSync(join(dir, 'half-written.txt'))).toBe(false);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(sha.feature);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });
});

describe('checkoutApproved: refusals', () => {
  it('refuses a commit the server does not have, saying it may have been force-pushed', async () => {
    const o = options({ sha: MISSING_SHA });
    const message = expectRefused(await checkoutApproved(o));

    expect(message).toContain('the approved commit deadbee is no longer reachable in octo-org/widgets');
    expect(message).toContain('force-pushed? Push again and re-approve');
    expect(existsSync(join(o.scratch, 'proceed', MISSING_SHA))).toBe(false);
  });

  it('refuses a commit the server does not have when the pull request ref is gone too', async () => {
    const o = options({ sha: MISSING_SHA, prNumber: 8 });
    const message = expectRefused(await checkoutApproved(o));

    expect(message).toBe(
      'the approved commit deadbee is no longer reachable in octo-org/widgets (and refs/pull/8/head was not found) ' +
        '— was the branch force-pushed? Push again and re-approve.',
    );
  });

  it('refuses, and removes the checkout, when HEAD is not the approved commit after checking out', async () => {
    fakeGit('commit-after-checkout');
    const o = options();
    const message = expectRefused(await checkoutApproved(o));

    expect(message).toMatch(/^after checking out [0-9a-f]{7}, HEAD in .* is [0-9a-f]{7} — no step was run/);
    expect(existsSync(join(o.scratch, 'proceed', sha.feature))).toBe(false);
  });

  it('refuses when the repository cannot be read, pointing at the workflow’s permissions', async () => {
    const o = options({ repo: 'no-such-repo' });
    const message = expectRefused(await checkoutApproved(o));

    expect(message).toMatch(
      /^could not fetch the approved commit [0-9a-f]{7} from octo-org\/no-such-repo at file:/,
    );
    expect(message).toContain('does not appear to be a git repository');
    expect(message).toContain('`contents: read`');
    expect(existsSync(join(o.scratch, 'proceed', sha.feature))).toBe(false);
  });

  it.each([
    ['an option in place of the SHA', { sha: '--upload-pack=touch pwned' }],
    ['an abbreviated SHA', { sha: 'abc1234' }],
    ['a repository name with a path in it', { repo: '../widgets' }],
    ['a pull request number of 0', { prNumber: 0 }],
    ['a server URL that is not a URL', { serverUrl: 'github.com' }],
  ])('refuses %s before running git', async (_, overrides) => {
    const o = options(overrides);
    const message = expectRefused(await checkoutApproved(o));

    expect(message).toMatch(/^cannot check out the approved commit: /);
    expect(existsSync(join(o.scratch, 'proceed'))).toBe(false);
  });

  it('refuses, without throwing, when git cannot be started', async () => {
    process.env.PATH = join(tmp, 'no-such-bin');
    const o = options();
    const message = expectRefused(await checkoutApproved(o));

    expect(message).toContain('git could not be started');
    expect(message).toContain('use a runner with git installed');
    expect(existsSync(join(o.scratch, 'proceed', sha.feature))).toBe(false);
  });
});

describe('checkoutApproved: a server that will not serve a commit by its SHA', () => {
  it('falls back to refs/pull/<N>/head when it is the approved commit', async () => {
    const record = fakeGit('refuse-fetch-by-sha');
    const o = options();

    const dir = expectCheckedOut(await checkoutApproved(o));

    expect(git(dir, 'rev-parse', 'HEAD')).toBe(sha.feature);
    expect(readFileSync(join(dir, 'feature.txt'), 'utf8')).toBe('feature');
    const fetches = readFileSync(record, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('argv: fetch'));
    expect(fetches.map((line) => line.split(' ').pop())).toEqual([sha.feature, 'refs/pull/7/head']);
    expect(o.lines.join('\n')).toContain('trying refs/pull/7/head');
  });

  it('refuses when refs/pull/<N>/head now points at another commit (real git, unadvertised SHAs refused)', async () => {
    // Protocol v2 serves any object it has; v0 honours the repository's allow*SHA1InWant settings.
    writeFileSync(globalConfig, '[protocol]\n\tversion = 0\n');
    const o = options({ repo: 'gadgets', sha: sha.orphan });

    const message = expectRefused(await checkoutApproved(o));

    expect(message).toBe(
      `the approved commit ${sha.orphan.slice(0, 7)} is no longer reachable in octo-org/gadgets, and pull request #7 ` +
        `now points at ${sha.feature.slice(0, 7)} — was the branch force-pushed? Push again and re-approve.`,
    );
    expect(o.lines.join('\n')).toContain('unadvertised object');
    expect(existsSync(join(o.scratch, 'proceed', sha.orphan))).toBe(false);
  });

  it('still checks out the head of refs/pull/<N>/head directly when only advertised refs can be fetched', async () => {
    writeFileSync(globalConfig, '[protocol]\n\tversion = 0\n');
    const o = options({ repo: 'gadgets' });

    const dir = expectCheckedOut(await checkoutApproved(o));

    expect(git(dir, 'rev-parse', 'HEAD')).toBe(sha.feature);
  });
});

describe('checkoutApproved: the token', () => {
  it('reaches git only as the scoped http.extraheader in its environment, never in argv or on disk', async () => {
    const record = fakeGit('record');
    const o = options();

    const dir = expectCheckedOut(await checkoutApproved(o));

    const calls = readFileSync(record, 'utf8');
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    expect(calls).toMatch(
      new RegExp(
        `GIT_CONFIG_KEY_(\\d+)=http\\.${serverUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/\\.extraheader`,
      ),
    );
    expect(calls).toContain(`=${header}\n`);
    for (const line of calls.split('\n').filter((l) => l.startsWith('argv: '))) {
      for (const form of TOKEN_FORMS) expect(line).not.toContain(form);
    }
    const onDisk = filesUnder(join(dir, '.git')).map((file) => readFileSync(file, 'latin1'));
    expect(onDisk.length).toBeGreaterThan(0);
    for (const form of TOKEN_FORMS) {
      expect(readFileSync(join(dir, '.git', 'config'), 'utf8')).not.toContain(form);
      expect(onDisk.filter((content) => content.includes(form))).toEqual([]);
      expect(o.lines.join('\n')).not.toContain(form);
    }
  });

  it('is masked in a refusal quoting git output that contains it', async () => {
    fakeGit('print-credentials');
    const o = options();

    const message = expectRefused(await checkoutApproved(o));

    expect(message).toContain('x-access-token:***');
    expect(message).toContain('AUTHORIZATION: basic ***');
    expect(message).toContain('`contents: read`');
    for (const form of TOKEN_FORMS) {
      expect(message).not.toContain(form);
      expect(o.lines.join('\n')).not.toContain(form);
    }
  });

  it('is not sent at all when empty, as for a public repository', async () => {
    const record = fakeGit('record');

    expectCheckedOut(await checkoutApproved(options({ token: '' })));

    expect(readFileSync(record, 'utf8')).not.toContain('extraheader');
  });
});
