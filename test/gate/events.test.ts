import { describe, expect, it } from 'vitest';
import { toGateEvent } from '../../src/gate/events.js';
import { fakeSha } from '../support/fake-github/model.js';
import {
  checkRunEvent,
  issueCommentEvent,
  mergeGroupEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
} from '../support/payloads.js';

const head = fakeSha('events', 'head');
const base = fakeSha('events', 'base');
const pr = { number: 7, user: 'alice', headSha: head, baseSha: base };
/** bob pressing the Proceed button on a check run of the pull requests given (default #7). */
const button = (pullRequests = [{ number: 7 }]) =>
  checkRunEvent('requested_action', { user: 'bob', headSha: head, identifier: 'proceed', pullRequests });

describe('toGateEvent', () => {
  it('turns the events the gate acts on into gate events, from GitHub’s own payloads', () => {
    expect(toGateEvent('pull_request', pullRequestEvent('opened', pr))).toEqual({
      kind: 'pull_request',
      action: 'opened',
      number: 7,
      sender: { login: 'alice', type: 'User' },
    });
    expect(
      toGateEvent(
        'pull_request_review',
        pullRequestReviewEvent('submitted', { ...pr, user: 'bob', state: 'approved', reviewId: 9 }),
      ),
    ).toMatchObject({ kind: 'review', number: 7, reviewId: 9, state: 'approved', commitId: head });
    expect(
      toGateEvent(
        'issue_comment',
        issueCommentEvent('created', { number: 7, user: 'bob', body: '/proceed', commentId: 5 }),
      ),
    ).toMatchObject({ kind: 'comment', number: 7, commentId: 5, body: '/proceed' });
    expect(toGateEvent('check_run', button())).toMatchObject({
      kind: 'button',
      number: 7,
      identifier: 'proceed',
      headSha: head,
    });
    const headRef = `refs/heads/gh-readonly-queue/main/pr-7-${base}`;
    expect(
      toGateEvent(
        'merge_group',
        mergeGroupEvent('checks_requested', { headSha: head, headRef, baseSha: base }),
      ),
    ).toMatchObject({ kind: 'merge_group', headSha: head, headRef, baseSha: base });
  });

  it.each([
    ['pull_request', pullRequestEvent('labeled', pr), 'pull_request.labeled is not acted on'],
    [
      'pull_request_review',
      pullRequestReviewEvent('edited', { ...pr, user: 'bob', state: 'approved' }),
      'pull_request_review.edited is not acted on',
    ],
    [
      'issue_comment',
      issueCommentEvent('edited', { number: 7, user: 'bob', body: '/proceed', previousBody: 'hi' }),
      'issue_comment.edited is not acted on',
    ],
    [
      'check_run',
      checkRunEvent('completed', { user: 'alice', headSha: head, name: 'ci/tests', conclusion: 'success' }),
      'check_run.completed is not acted on',
    ],
    [
      'merge_group',
      mergeGroupEvent('destroyed', {
        headSha: head,
        headRef: `refs/heads/gh-readonly-queue/main/pr-7-${base}`,
        baseSha: base,
      }),
      'merge_group.destroyed is not acted on',
    ],
    ['push', { ref: 'refs/heads/main' }, 'the push event is not acted on'],
  ])('ignores %s with an action it never acts on', (name, payload, reason) => {
    expect(toGateEvent(name, payload)).toEqual({ kind: 'ignored', reason });
  });

  it('ignores an action it never acts on without reading the rest of the payload', () => {
    // Nothing of a label or another app's check run is used, so nothing of it is validated.
    expect(toGateEvent('pull_request', { action: 'labeled' })).toEqual({
      kind: 'ignored',
      reason: 'pull_request.labeled is not acted on',
    });
    expect(toGateEvent('check_run', { action: 'completed', check_run: null })).toMatchObject({
      kind: 'ignored',
    });
  });

  it('ignores a comment on an issue, and a button on a check run of no pull request', () => {
    expect(
      toGateEvent(
        'issue_comment',
        issueCommentEvent('created', { number: 7, user: 'bob', body: '/proceed', isPullRequest: false }),
      ),
    ).toEqual({ kind: 'ignored', reason: 'the comment is on an issue, not a pull request' });
    expect(toGateEvent('check_run', button([]))).toEqual({
      kind: 'ignored',
      reason: 'the check run belongs to no pull request',
    });
    const { requested_action: _, ...noAction } = button();
    expect(toGateEvent('check_run', noAction)).toEqual({
      kind: 'ignored',
      reason: 'the check run names no requested action',
    });
  });

  it.each([
    ['pull_request', {}, /pull_request event payload is not what GitHub sends: action: /],
    ['pull_request', null, /pull_request event payload is not what GitHub sends: \(payload\): /],
    [
      'pull_request',
      { ...pullRequestEvent('opened', pr), pull_request: { number: -1 } },
      /pull_request event payload is not what GitHub sends: pull_request\.number: /,
    ],
    [
      'issue_comment',
      {
        ...issueCommentEvent('created', { number: 7, user: 'bob', body: '/proceed' }),
        sender: { login: '' },
      },
      /issue_comment event payload is not what GitHub sends: sender\.login: /,
    ],
    [
      'merge_group',
      { action: 'checks_requested', merge_group: { head_sha: 'main' } },
      /merge_group event payload is not what GitHub sends: merge_group\.head_sha: /,
    ],
  ])('says a %s payload that is not what GitHub sends is invalid, and where', (name, payload, message) => {
    const event = toGateEvent(name, payload);
    expect(event.kind).toBe('invalid');
    expect(event.kind === 'invalid' && event.message).toMatch(message);
  });
});
