import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { describe, expect, it } from 'vitest';
import {
  checkRunEvent,
  issueCommentEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
} from '../../test/support/payloads.js';

const HEAD = '6'.repeat(40);
const BASE = '7'.repeat(40);
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

function original(event: string, action: string): Record<string, unknown> {
  const examples = definitions.find((d) => d.name === event)?.examples as Record<string, unknown>[];
  const found = examples.find((e) => e['action'] === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return found;
}

/** Every key of GitHub's example object is still there (organization is dropped on purpose). */
function keysOf(o: unknown): string[] {
  return Object.keys(o as object)
    .filter((k) => k !== 'organization')
    .sort();
}

describe('pullRequestEvent', () => {
  it('overrides number, SHAs, refs, author and repository and keeps GitHub’s full shape', () => {
    const payload = pullRequestEvent('opened', {
      number: 12,
      headSha: HEAD,
      baseSha: BASE,
      user: 'alice',
      headRef: 'plan',
      owner: 'acme',
      repo: 'api',
    });
    const example = original('pull_request', 'opened');
    expect(payload).toMatchObject({
      action: 'opened',
      number: 12,
      pull_request: {
        number: 12,
        user: { login: 'alice' },
        head: { sha: HEAD, ref: 'plan', repo: { full_name: 'acme/api', fork: false } },
        base: { sha: BASE, ref: 'main', repo: { full_name: 'acme/api' } },
        html_url: 'https://github.com/acme/api/pull/12',
      },
      repository: { full_name: 'acme/api', name: 'api', owner: { login: 'acme' } },
      sender: { login: 'alice' },
      installation: { id: 1 },
    });
    expect(keysOf(payload)).toEqual(expect.arrayContaining(keysOf(example)));
    expect(keysOf(payload.pull_request)).toEqual(expect.arrayContaining(keysOf(example['pull_request'])));
    expect(JSON.stringify(payload)).not.toContain('Codertocat/Hello-World');
  });

  it('puts the head of a fork in the fork’s repository', () => {
    const payload = pullRequestEvent('opened', {
      number: 3,
      headSha: HEAD,
      baseSha: BASE,
      user: 'mallory',
      fork: true,
    });
    expect(payload.pull_request.head.repo).toMatchObject({ full_name: 'mallory/widgets', fork: true });
    expect(payload.pull_request.base.repo?.full_name).toBe('octo-org/widgets');
  });

  it('carries before and after for synchronize', () => {
    const payload = pullRequestEvent('synchronize', {
      number: 3,
      headSha: HEAD,
      baseSha: BASE,
      before: BASE,
    });
    expect([payload.before, payload.after]).toEqual([BASE, HEAD]);
  });

  it('marks a closed, merged pull request', () => {
    const payload = pullRequestEvent('closed', {
      number: 3,
      headSha: HEAD,
      baseSha: BASE,
      state: 'closed',
      merged: true,
    });
    expect(payload.pull_request).toMatchObject({ state: 'closed', merged: true });
  });

  it('leaves installation out when asked, as Actions event files have none', () => {
    const payload = pullRequestEvent('opened', {
      number: 3,
      headSha: HEAD,
      baseSha: BASE,
      installationId: null,
    });
    expect('installation' in payload).toBe(false);
  });
});

describe('pullRequestReviewEvent', () => {
  it('builds a submitted approval by the reviewer on the given commit', () => {
    const payload = pullRequestReviewEvent('submitted', {
      number: 7,
      headSha: HEAD,
      baseSha: BASE,
      state: 'approved',
      user: 'bob',
      commitId: BASE,
      prAuthor: 'alice',
    });
    expect(payload).toMatchObject({
      action: 'submitted',
      review: { state: 'approved', user: { login: 'bob' }, commit_id: BASE },
      pull_request: { number: 7, user: { login: 'alice' }, head: { sha: HEAD } },
      sender: { login: 'bob' },
    });
    expect(keysOf(payload.review)).toEqual(
      expect.arrayContaining(keysOf(original('pull_request_review', 'submitted')['review'])),
    );
  });
});

describe('issueCommentEvent', () => {
  it('builds a comment on a pull request with the given body, author and id', () => {
    const payload = issueCommentEvent('created', {
      number: 7,
      body: '/proceed',
      user: 'bob',
      commentId: 555,
    });
    expect(payload).toMatchObject({
      action: 'created',
      issue: { number: 7, pull_request: { url: 'https://api.github.com/repos/octo-org/widgets/pulls/7' } },
      comment: {
        id: 555,
        body: '/proceed',
        user: { login: 'bob' },
        html_url: 'https://github.com/octo-org/widgets/pull/7#issuecomment-555',
      },
      sender: { login: 'bob' },
    });
    expect(keysOf(payload.comment)).toEqual(
      expect.arrayContaining(keysOf(original('issue_comment', 'created')['comment'])),
    );
  });

  it('has no pull_request link for a plain issue', () => {
    const payload = issueCommentEvent('created', {
      number: 8,
      body: '/proceed',
      user: 'bob',
      isPullRequest: false,
    });
    expect('pull_request' in payload.issue).toBe(false);
  });

  it('records the previous body of an edited comment', () => {
    const payload = issueCommentEvent('edited', {
      number: 7,
      body: '/proceed',
      user: 'bob',
      previousBody: 'lgtm',
    });
    expect(payload.changes).toEqual({ body: { from: 'lgtm' } });
  });
});

describe('checkRunEvent', () => {
  it('builds a button press with its identifier, presser and pull requests', () => {
    const payload = checkRunEvent('requested_action', {
      identifier: 'retry',
      user: 'bob',
      headSha: HEAD,
      checkRunId: 99,
      name: 'proceed/migrate',
      pullRequests: [{ number: 7 }],
    });
    expect(payload).toMatchObject({
      action: 'requested_action',
      requested_action: { identifier: 'retry' },
      check_run: {
        id: 99,
        name: 'proceed/migrate',
        head_sha: HEAD,
        app: { slug: 'github-actions' },
        pull_requests: [{ number: 7, head: { sha: HEAD } }],
      },
      sender: { login: 'bob' },
      repository: { full_name: 'octo-org/widgets' },
    });
    expect(JSON.stringify(payload)).not.toContain('electron/electron');
  });

  it('has no requested_action for a re-request', () => {
    const payload = checkRunEvent('rerequested', { user: 'bob', headSha: HEAD });
    expect('requested_action' in payload).toBe(false);
  });
});
