/**
 * A local bare repository standing in for GitHub's git server: the Action fetches the approved
 * commit from `${serverUrl}/${owner}/${repo}.git`, here a file:// URL.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Remote {
  serverUrl: string;
  /** The base commit (the default branch). */
  baseSha: string;
  /** Commits `files` on top of the current branch head and pushes it; returns the new SHA. */
  commit(files: Record<string, string>, message?: string): string;
  cleanup(): void;
}

export function makeRemote(base: Record<string, string> = {}, owner = 'octo-org', repo = 'widgets'): Remote {
  const root = mkdtempSync(join(tmpdir(), 'proceed-remote-'));
  const bare = join(root, owner, `${repo}.git`);
  const work = join(root, 'work');
  mkdirSync(bare, { recursive: true });
  mkdirSync(work);
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      encoding: 'utf8',
    }).trim();
  git(bare, 'init', '-q', '--bare');
  git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'remote', 'add', 'origin', bare);
  const commit = (files: Record<string, string>, message = 'change'): string => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '--allow-empty', '-m', message);
    const sha = git(work, 'rev-parse', 'HEAD');
    git(work, 'push', '-q', '--force', 'origin', `HEAD:refs/heads/${sha.slice(0, 12)}`);
    return sha;
  };
  const baseSha = commit({ 'README.md': 'base\n', ...base }, 'base');
  return {
    serverUrl: `file://${root}`,
    baseSha,
    commit,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
