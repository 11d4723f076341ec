/**
 * The Octokit port's creates when answers are lost: GitHub did the work, a gateway answered 5xx.
 * Retried blindly, a comment, review or check run would be posted twice; the port looks for its own
 * create (by an id only it knows) before it tries again.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import type { Octokit } from '@octokit/core';
import { describe, expect, it } from 'vitest';
import { OctokitPort, outcomeUnknown } from '../../src/github/octokit.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';

const HEAD = 'a'.repeat(40);
const github = useFakeGitHub();

function port(): OctokitPort {
  // Octokit's retry plugin as the Action has it, with waits in milliseconds instead of seconds.
  const octokit = getOctokit(
    'test-token',
    { baseUrl: github().url, retry: { retryAfterBaseValue: 1 } },
    retry,
  );
  return new OctokitPort(octokit as unknown as Octokit, 'octo-org', 'widgets', 1);
}

function seed() {
  github().addPullRequest({ number: 7, user: 'alice', headSha: HEAD, baseSha: 'b'.repeat(40) });
}

/** The next `n` requests of `operationId` are carried out and their answers lost (500, 502, 504 in turn). */
function loseAnswers(operationId: string, n: number) {
  github().faults({
    rate: 1,
    after: true,
    kinds: ['500', '502', 'timeout'],
    timeoutMs: 10,
    limit: n,
    match: (r) => r.operationId === operationId,
  });
}

const tries = (operationId: string) => github().requests.filter((r) => r.operationId === operationId).length;

describe('creates whose answer is lost after GitHub did the work', () => {
  it('posts a comment once and returns it', async () => {
    seed();
    loseAnswers('issues/create-comment', 1);
    const created = await port().createComment(7, 'The plan is verified.');
    const comments = github().comments(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.id).toBe(created.id);
    expect(comments[0]!.body).toMatch(/^The plan is verified\.\n\n<!-- proceed:post [0-9a-f]{12} -->$/);
    expect(tries('issues/create-comment')).toBe(1);
  });

  it('creates a check run once, and reads back its external_id without the create’s id', async () => {
    seed();
    loseAnswers('checks/create', 1);
    const p = port();
    const created = await p.createCheckRun({
      name: 'proceed/one',
      headSha: HEAD,
      status: 'in_progress',
      externalId: 'abc:one',
      title: 'Running',
      summary: 'started',
    });
    const runs = await p.listCheckRuns(HEAD);
    expect(runs.map((r) => [r.id, r.externalId])).toEqual([[created.id, 'abc:one']]);
    expect(tries('checks/create')).toBe(1);
  });

  it('creates the review once', async () => {
    seed();
    loseAnswers('pulls/create-review', 1);
    const p = port();
    const review = await p.createReview(7, { body: 'plan\n\n<!-- proceed:state e30= -->', commitId: HEAD });
    expect((await p.listReviews(7)).map((r) => r.id)).toEqual([review.id]);
  });

  it('tries again when nothing was made, and stops after four tries with GitHub’s error', async () => {
    seed();
    github().faults({
      rate: 1,
      kinds: ['502'],
      limit: 2,
      match: (r) => r.operationId === 'issues/create-comment',
    });
    await port().createComment(7, 'second time lucky');
    expect(github().comments(7)).toHaveLength(1);
    expect(tries('issues/create-comment')).toBe(3);

    github().faults({ rate: 1, kinds: ['500'], match: (r) => r.operationId === 'issues/create-comment' });
    await expect(port().createComment(7, 'never')).rejects.toMatchObject({ status: 500 });
    expect(tries('issues/create-comment')).toBe(3 + 4);
    expect(github().comments(7)).toHaveLength(1);
  });

  it('does not try again after an answer that says GitHub refused (4xx)', async () => {
    seed();
    await expect(port().createComment(8, 'no such pull request')).rejects.toMatchObject({ status: 404 });
    expect(tries('issues/create-comment')).toBe(1);
  });

  it('finds a body too long for the tag by the body itself', async () => {
    seed();
    loseAnswers('issues/create-comment', 1);
    const body = 'x'.repeat(65_536 - 10);
    await port().createComment(7, body);
    expect(
      github()
        .comments(7)
        .map((c) => c.body),
    ).toEqual([body]);
  });
});

describe('outcomeUnknown', () => {
  it('is true for 5xx and false for answers that say what happened', () => {
    expect(outcomeUnknown({ status: 502 })).toBe(true);
    expect(outcomeUnknown({ status: 500 })).toBe(true);
    expect(outcomeUnknown({ status: 422 })).toBe(false);
    expect(outcomeUnknown(new Error('no status'))).toBe(false);
  });
});
