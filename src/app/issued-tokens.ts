/**
 * The installation tokens this app instance gave dispatched runs (token-exchange.ts), kept until
 * each run has ended so that the token is useless from then on (issue 13): revoked when the
 * `workflow_run` completed webhook of that run arrives, and by a sweep for runs whose completion
 * this instance missed (the webhook went to another replica, or was lost), which asks GitHub. The
 * Action revokes its token itself when it ends; this covers a job killed before it could.
 * Kept in memory only: a token is never written anywhere, and one instance's tokens die with it at
 * GitHub's one-hour expiry at the latest.
 */

export interface IssuedRun {
  token: string;
  expiresAt: string;
  installationId: number;
  owner: string;
  repo: string;
  runId: number;
}

/** What the registry needs from GitHub: whether a run has ended, and to revoke a token. */
export interface IssuedTokensGitHub {
  /** The run's status (`completed` once it has ended), or undefined when GitHub has no such run. */
  runStatus(installationId: number, owner: string, repo: string, runId: number): Promise<string | undefined>;
  /** `DELETE /installation/token` authenticated with the token itself. */
  revoke(token: string): Promise<void>;
}

/** How often the sweep asks GitHub about runs whose tokens are still out, unless configured otherwise. */
export const DEFAULT_TOKEN_SWEEP_MS = 5 * 60_000;

export class IssuedTokens {
  private readonly runs = new Map<string, IssuedRun>();

  constructor(
    private readonly github: IssuedTokensGitHub,
    private readonly log: { info: (line: string) => void; warn: (line: string) => void },
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(run: IssuedRun): void {
    this.runs.set(keyOf(run.owner, run.repo, run.runId), run);
  }

  /** The runs whose tokens are still out (for tests and the log). */
  outstanding(): IssuedRun[] {
    return [...this.runs.values()];
  }

  /** The run ended (its `workflow_run` completed webhook): its token, if this instance gave one, is revoked. */
  async runEnded(owner: string, repo: string, runId: number): Promise<boolean> {
    const run = this.runs.get(keyOf(owner, repo, runId));
    if (!run) return false;
    await this.revoke(run, 'its run has ended');
    return true;
  }

  /** Revokes the tokens of runs that have ended or that GitHub no longer knows; forgets expired ones. */
  async sweep(): Promise<void> {
    for (const run of [...this.runs.values()]) {
      if (Date.parse(run.expiresAt) <= this.now().getTime()) {
        this.runs.delete(keyOf(run.owner, run.repo, run.runId));
        continue;
      }
      let status: string | undefined;
      try {
        status = await this.github.runStatus(run.installationId, run.owner, run.repo, run.runId);
      } catch (err) {
        // Asked again at the next sweep.
        this.log.warn(
          `proceed: could not read run ${run.runId} of ${run.owner}/${run.repo} to revoke its token (${(err as Error).message}); trying again later.`,
        );
        continue;
      }
      if (status === undefined || status === 'completed')
        await this.revoke(run, status ? 'its run has ended' : 'GitHub no longer knows its run');
    }
  }

  private async revoke(run: IssuedRun, why: string): Promise<void> {
    try {
      await this.github.revoke(run.token);
      this.log.info(`proceed: revoked the token of run ${run.runId} of ${run.owner}/${run.repo}: ${why}.`);
    } catch (err) {
      // 401: already revoked (by the Action itself) or expired; either way it is useless now.
      if ((err as { status?: number }).status !== 401) {
        this.log.warn(
          `proceed: could not revoke the token of run ${run.runId} of ${run.owner}/${run.repo} (${(err as Error).message}); trying again at the next sweep.`,
        );
        return;
      }
    }
    this.runs.delete(keyOf(run.owner, run.repo, run.runId));
  }
}

function keyOf(owner: string, repo: string, runId: number): string {
  return `${owner.toLowerCase()}/${repo.toLowerCase()}#${runId}`;
}
