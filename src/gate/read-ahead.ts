/**
 * A read started ahead of its use, to shorten the chain of requests a run waits for. An event that
 * publishes the plan (a push, an opened pull request) begins by reading the head's check runs, which
 * needs only the head's SHA: that read goes out beside the view's (handle.ts), instead of after it.
 *
 * The first `listCheckRuns(sha)` (without a name) after `checkRuns(sha)` takes that answer, but only
 * if nothing was written through the port since it was started: any call that is not a read drops
 * it, and the read is then sent afresh, as it would have been. Later reads always go to GitHub.
 */
import type { CheckRunInfo, GitHubPort } from './port.js';

/** The port's methods that only read; every other call counts as a write. */
const READS: ReadonlySet<string> = new Set<keyof GitHubPort>([
  'getPullRequest',
  'listOpenPullRequests',
  'listOpenPullRequestsOnHead',
  'listPullRequestCommits',
  'compareCommits',
  'listChangedFiles',
  'readFile',
  'getPermission',
  'isTeamMember',
  'listReviews',
  'listComments',
  'listCheckRuns',
  'getCheckRunText',
  'getRef',
  'getCommit',
  'getWorkflowRun',
  'listRefs',
  'findDeployment',
]);

export interface ReadAhead {
  port: GitHubPort;
  /** Starts reading the check runs of `sha`, for the next `listCheckRuns(sha)` through `port`. */
  checkRuns(sha: string): void;
}

export function readingAhead(port: GitHubPort): ReadAhead {
  let ahead: { sha: string; answer: Promise<CheckRunInfo[]> } | undefined;
  const listCheckRuns = (sha: string, name?: string): Promise<CheckRunInfo[]> => {
    const taken = ahead;
    ahead = undefined;
    return name === undefined && taken?.sha === sha ? taken.answer : port.listCheckRuns(sha, name);
  };
  const proxy = new Proxy(port, {
    get(target, prop) {
      if (prop === 'listCheckRuns') return listCheckRuns;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const call = (value as (...a: unknown[]) => unknown).bind(target);
      if (typeof prop === 'string' && READS.has(prop)) return call;
      return (...args: unknown[]) => {
        ahead = undefined;
        return call(...args);
      };
    },
  });
  return {
    port: proxy,
    checkRuns(sha) {
      const answer = port.listCheckRuns(sha);
      // Nobody may take it (the view failed to load): its failure is then nobody's to report.
      answer.catch(() => undefined);
      ahead = { sha, answer };
    },
  };
}
