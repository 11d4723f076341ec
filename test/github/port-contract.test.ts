/**
 * One contract for the port (src/gate/port.ts), run against both adapters — `MemoryGitHub` and the
 * Octokit port over the OpenAPI-checked fake — so the two cannot drift: what the gate relies on
 * (refs as compare-and-swap, newest-first check runs, comments since a time, GitHub's size limits,
 * "not there" as undefined) holds on each.
 */
import { getOctokit } from '@actions/github';
import { describe, expect, it } from 'vitest';
import type { GitHubPort } from '../../src/gate/port.js';
import { MemoryGitHub } from '../../src/github/memory.js';
import { OctokitPort } from '../../src/github/octokit.js';
import { GITHUB_BODY_LIMIT } from '../../src/render/markdown.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';

const NUMBER = 7;

interface World {
  port: GitHubPort;
  head: string;
}

const fake = useFakeGitHub();

const ADAPTERS: [string, () => World][] = [
  [
    'MemoryGitHub',
    () => {
      const port = new MemoryGitHub({
        owner: 'octo-org',
        repo: 'widgets',
        pullRequest: { number: NUMBER, author: 'alice', files: { 'hello.txt': 'hello\n' } },
      });
      return { port, head: port.pullRequest.headSha };
    },
  ],
  [
    'OctokitPort over the fake',
    () => {
      const head = 'a'.repeat(40);
      fake().addPullRequest({ number: NUMBER, user: 'alice', headSha: head, baseSha: 'b'.repeat(40) });
      const port = new OctokitPort(getOctokit('test-token', { baseUrl: fake().url }), 'octo-org', 'widgets');
      return { port, head };
    },
  ],
];

describe.each(ADAPTERS)('the port contract: %s', (_name, world) => {
  it('reads the pull request at its head, and says undefined for what is not there', async () => {
    const { port, head } = world();
    expect(await port.getPullRequest(NUMBER)).toMatchObject({ number: NUMBER, state: 'open', headSha: head });
    expect(await port.getCommit('f'.repeat(40))).toBeUndefined();
    expect(await port.getRef('proceed/locks/pr-999')).toBeUndefined();
    expect(await port.readFile('no/such/file.txt', head)).toBeUndefined();
    expect(await port.getWorkflowRun(987_654)).toBeUndefined();
  });

  it('arbitrates a ref: one create wins, a move must fast-forward unless forced, delete frees it', async () => {
    const { port, head } = world();
    const { tree } = (await port.getCommit(head))!;
    const first = await port.createCommit({ message: 'lock 1', tree, parents: [] });
    const other = await port.createCommit({ message: 'lock 2', tree, parents: [] });
    expect(await port.createRef('proceed/locks/pr-7', first.sha)).toBe('created');
    expect(await port.createRef('proceed/locks/pr-7', other.sha)).toBe('exists');
    expect(await port.getRef('proceed/locks/pr-7')).toEqual({ sha: first.sha });
    // Not a descendant of the ref's commit: refused without force.
    expect(await port.updateRef('proceed/locks/pr-7', other.sha, false)).toBe('conflict');
    const child = await port.createCommit({ message: 'lock 1, beat', tree, parents: [first.sha] });
    expect(await port.updateRef('proceed/locks/pr-7', child.sha, false)).toBe('updated');
    expect(await port.updateRef('proceed/locks/pr-7', other.sha, true)).toBe('updated');
    expect(await port.getCommit(child.sha)).toMatchObject({ sha: child.sha, message: 'lock 1, beat', tree });
    // A commit made through the port names one committer, the same for each: the lock's proof of its writer.
    const committer = (await port.getCommit(first.sha))!.committer;
    expect(committer.name).toMatch(/\S/);
    expect((await port.getCommit(child.sha))!.committer).toEqual(committer);
    await port.deleteRef('proceed/locks/pr-7');
    expect(await port.getRef('proceed/locks/pr-7')).toBeUndefined();
    expect(await port.updateRef('proceed/locks/pr-7', first.sha, false)).toBe('conflict');
  });

  it('lists check runs of a commit newest first, by name when asked, with what was written', async () => {
    const { port, head } = world();
    const a = await port.createCheckRun({
      name: 'proceed/one',
      headSha: head,
      status: 'in_progress',
      title: 'Running',
      summary: 'one',
      externalId: 'hash:one',
    });
    const b = await port.createCheckRun({
      name: 'proceed/verify',
      headSha: head,
      status: 'queued',
      title: 'Queued',
      summary: 'v',
    });
    await port.updateCheckRun(a.id, {
      status: 'completed',
      conclusion: 'success',
      title: 'Done',
      summary: 'ok',
    });
    const all = await port.listCheckRuns(head);
    expect(all.map((c) => c.id)).toEqual([b.id, a.id]);
    expect((await port.listCheckRuns(head, 'proceed/one')).map((c) => c.id)).toEqual([a.id]);
    expect(all[1]).toMatchObject({
      name: 'proceed/one',
      status: 'completed',
      conclusion: 'success',
      externalId: 'hash:one',
    });
  });

  it('reads a check run’s output text back by id: null without one, undefined for no such check run', async () => {
    const { port, head } = world();
    const text = 'line one\n```json\n{"a":1}\n```';
    const withText = await port.createCheckRun({
      name: 'proceed/verify',
      headSha: head,
      status: 'queued',
      title: 'Queued',
      summary: 'v',
      text,
    });
    const without = await port.createCheckRun({
      name: 'proceed/plan',
      headSha: head,
      status: 'queued',
      title: 'Q',
      summary: 's',
    });
    expect(await port.getCheckRunText(withText.id)).toBe(text);
    await port.updateCheckRun(withText.id, { title: 'Queued', summary: 'v', text: 'replaced' });
    expect(await port.getCheckRunText(withText.id)).toBe('replaced');
    expect(await port.getCheckRunText(without.id)).toBeFalsy();
    expect(await port.getCheckRunText(987_654_321)).toBeUndefined();
  });

  it('keeps the bot’s review and comments, and lists comments since a time, oldest first', async () => {
    const { port, head } = world();
    const since = new Date(Date.now() - 60_000).toISOString();
    const review = await port.createReview(NUMBER, { body: 'first', commitId: head });
    await port.updateReview(NUMBER, review.id, 'second');
    expect((await port.listReviews(NUMBER)).find((r) => r.id === review.id)?.body).toBe('second');
    const one = await port.createComment(NUMBER, 'one');
    const two = await port.createComment(NUMBER, 'two');
    const listed = (await port.listComments(NUMBER, since)).map((c) => c.id);
    expect(listed.indexOf(one.id)).toBeGreaterThanOrEqual(0);
    expect(listed.indexOf(one.id)).toBeLessThan(listed.indexOf(two.id));
  });

  it('refuses a comment longer than GitHub accepts, as GitHub does', async () => {
    const { port } = world();
    await expect(port.createComment(NUMBER, 'x'.repeat(GITHUB_BODY_LIMIT + 1))).rejects.toThrow();
    // The fake answered as GitHub would, and noted the request GitHub refuses; that was the point here.
    if (port instanceof OctokitPort) fake().violations.splice(0);
  });
});
