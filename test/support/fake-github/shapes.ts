/**
 * GitHub-shaped JSON for the fake's records. Large objects start from the description's own
 * response examples (so every field GitHub sends is there) with ids, names, URLs and state
 * overridden from the record; the harness tests validate the results against the response schemas.
 */
import type { components } from '@octokit/openapi-types';
import { example } from './openapi.js';
import {
  type AppIdentity,
  type AnnotationRecord,
  type ChangedFileRecord,
  type CheckRunRecord,
  type CommentRecord,
  type GitCommitRecord,
  type PullRequestRecord,
  type ReactionRecord,
  type RepoRecord,
  type ReviewRecord,
  type Role,
  type WorkflowRunRecord,
  blobSha,
  userId,
  userType,
} from './model.js';

type Schemas = components['schemas'];

/** Where the fake's API lives and which web host its `html_url`s name. */
export interface Urls {
  api: string;
  html: string;
}

export const GITHUB_URLS: Urls = { api: 'https://api.github.com', html: 'https://github.com' };

function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');
}

/** Deep copy of an example with every string's host/owner/name prefixes replaced. */
export function rebase<T>(value: T, replacements: [string, string][]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let s = v;
      for (const [from, to] of replacements) if (s.includes(from)) s = s.split(from).join(to);
      return s;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export function userJson(urls: Urls, login: string): Schemas['simple-user'] {
  // GitHub percent-encodes bot logins in URLs: /users/github-actions%5Bbot%5D
  const api = `${urls.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id: userId(login),
    node_id: nodeId(userType(login) === 'Bot' ? 'Bot' : 'User', userId(login)),
    avatar_url: `https://avatars.githubusercontent.com/u/${userId(login)}?v=4`,
    gravatar_id: '',
    url: api,
    html_url:
      userType(login) === 'Bot'
        ? `${urls.html}/apps/${login.replace(/\[bot\]$/, '')}`
        : `${urls.html}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: userType(login),
    user_view_type: 'public',
    site_admin: false,
  };
}

export function publicUserJson(urls: Urls, login: string): Schemas['public-user'] {
  const base = example<Schemas['public-user']>('public-user-default-response');
  return {
    ...base,
    ...userJson(urls, login),
    name: null,
    company: null,
    blog: null,
    location: null,
    email: null,
    bio: null,
    twitter_username: null,
    hireable: null,
  };
}

export function repositoryJson(
  urls: Urls,
  repo: Pick<RepoRecord, 'id' | 'owner' | 'name' | 'private' | 'defaultBranch'>,
  fork = false,
): Schemas['full-repository'] & Schemas['repository'] {
  // Fork, template and organisation links describe other repositories; a token's clone token is not ours to show.
  const {
    template_repository: _template,
    organization: _organization,
    parent: _parent,
    source: _source,
    temp_clone_token: _token,
    ...base
  } = example<Schemas['full-repository']>('full-repository');
  const full = `${repo.owner}/${repo.name}`;
  const rebased = rebase(base, [
    ['https://api.github.com/repos/octocat/Hello-World', `${urls.api}/repos/${full}`],
    ['https://github.com/octocat/Hello-World', `${urls.html}/${full}`],
    ['git:github.com/octocat/Hello-World', `git:${new URL(urls.html).host}/${full}`],
    ['git@github.com:octocat/Hello-World', `git@${new URL(urls.html).host}:${full}`],
    ['https://api.github.com', urls.api],
  ]);
  return {
    ...rebased,
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: full,
    owner: userJson(urls, repo.owner),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    fork,
    description: null,
    homepage: null,
    mirror_url: null,
    default_branch: repo.defaultBranch,
    topics: [],
    is_template: false,
    has_downloads: true,
    has_discussions: false,
  };
}

function repoUrls(urls: Urls, repo: Pick<RepoRecord, 'owner' | 'name'>) {
  return {
    api: `${urls.api}/repos/${repo.owner}/${repo.name}`,
    html: `${urls.html}/${repo.owner}/${repo.name}`,
  };
}

export function pullRequestJson(
  urls: Urls,
  repo: RepoRecord,
  pr: PullRequestRecord,
  extra: { comments: number; authorAssociation: Schemas['author-association'] },
): Schemas['pull-request'] {
  const base = example<Schemas['pull-request']>('pull-request');
  const r = repoUrls(urls, repo);
  const api = `${r.api}/pulls/${pr.number}`;
  const html = `${r.html}/pull/${pr.number}`;
  const issue = `${r.api}/issues/${pr.number}`;
  const headRepo = repositoryJson(
    urls,
    { ...repo, owner: pr.headOwner, id: pr.fork ? repo.id + 1_000_000 : repo.id },
    pr.fork,
  );
  const baseRepo = repositoryJson(urls, repo);
  const additions = pr.files.reduce((n, f) => n + f.additions, 0);
  const deletions = pr.files.reduce((n, f) => n + f.deletions, 0);
  return {
    ...base,
    url: api,
    id: pr.id,
    node_id: nodeId('PullRequest', pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${r.api}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${r.api}/statuses/${pr.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(urls, pr.user),
    body: pr.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.merged ? pr.headSha : null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${pr.headOwner}:${pr.headRef}`,
      ref: pr.headRef,
      sha: pr.headSha,
      user: userJson(urls, pr.headOwner),
      repo: headRepo,
    },
    base: {
      label: `${repo.owner}:${pr.baseRef}`,
      ref: pr.baseRef,
      sha: pr.baseSha,
      user: userJson(urls, repo.owner),
      repo: baseRepo,
    },
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${r.api}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${r.api}/statuses/${pr.headSha}` },
    },
    author_association: extra.authorAssociation,
    auto_merge: null,
    draft: pr.draft,
    merged: pr.merged,
    mergeable: pr.state === 'open' ? true : null,
    rebaseable: pr.state === 'open' ? true : null,
    mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
    merged_by: pr.merged ? userJson(urls, repo.owner) : null,
    comments: extra.comments,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pr.commits.length,
    additions,
    deletions,
    changed_files: pr.files.length,
  };
}

export function diffEntryJson(
  urls: Urls,
  repo: RepoRecord,
  pr: PullRequestRecord,
  file: ChangedFileRecord,
): Schemas['diff-entry'] {
  const r = repoUrls(urls, repo);
  const path = encodeURIComponent(file.filename).replace(/%2F/g, '/');
  return {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${r.html}/blob/${pr.headSha}/${path}`,
    raw_url: `${r.html}/raw/${pr.headSha}/${path}`,
    contents_url: `${r.api}/contents/${path}?ref=${pr.headSha}`,
    ...(file.previousFilename ? { previous_filename: file.previousFilename } : {}),
  };
}

export function reviewJson(
  urls: Urls,
  repo: RepoRecord,
  review: ReviewRecord,
  authorAssociation: Schemas['author-association'],
): Schemas['pull-request-review'] {
  const r = repoUrls(urls, repo);
  const html = `${r.html}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  const pull = `${r.api}/pulls/${review.pullNumber}`;
  return {
    id: review.id,
    node_id: nodeId('PullRequestReview', review.id),
    user: userJson(urls, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pull,
    _links: { html: { href: html }, pull_request: { href: pull } },
    ...(review.submittedAt ? { submitted_at: review.submittedAt } : {}),
    commit_id: review.commitId,
    author_association: authorAssociation,
  };
}

export function reactionRollupJson(
  urls: Urls,
  repo: RepoRecord,
  commentId: number,
  reactions: ReactionRecord[],
): Schemas['reaction-rollup'] {
  const count = (content: ReactionRecord['content']) => reactions.filter((x) => x.content === content).length;
  return {
    url: `${repoUrls(urls, repo).api}/issues/comments/${commentId}/reactions`,
    total_count: reactions.length,
    '+1': count('+1'),
    '-1': count('-1'),
    laugh: count('laugh'),
    confused: count('confused'),
    heart: count('heart'),
    hooray: count('hooray'),
    eyes: count('eyes'),
    rocket: count('rocket'),
  };
}

export function issueCommentJson(
  urls: Urls,
  repo: RepoRecord,
  comment: CommentRecord,
  extra: {
    authorAssociation: Schemas['author-association'];
    isPullRequest: boolean;
    reactions: ReactionRecord[];
  },
): Schemas['issue-comment'] {
  const r = repoUrls(urls, repo);
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${r.api}/issues/comments/${comment.id}`,
    html_url: `${r.html}/${extra.isPullRequest ? 'pull' : 'issues'}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userJson(urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${r.api}/issues/${comment.issueNumber}`,
    author_association: extra.authorAssociation,
    performed_via_github_app: comment.app ? appJson(urls, comment.app) : null,
    reactions: reactionRollupJson(urls, repo, comment.id, extra.reactions),
  };
}

export function reactionJson(urls: Urls, reaction: ReactionRecord): Schemas['reaction'] {
  return {
    id: reaction.id,
    node_id: nodeId('Reaction', reaction.id),
    user: userJson(urls, reaction.user),
    content: reaction.content,
    created_at: reaction.createdAt,
  };
}

export function appJson(urls: Urls, app: AppIdentity): Schemas['integration'] {
  const base = example<NonNullable<Schemas['integration']>>('integration');
  return {
    ...base,
    id: app.id,
    slug: app.slug,
    node_id: nodeId('Integration', app.id),
    client_id: `Iv1.${app.slug}`,
    owner: userJson(urls, app.owner),
    name: app.name,
    description: null,
    external_url: `${urls.html}/apps/${app.slug}`,
    html_url: `${urls.html}/apps/${app.slug}`,
    permissions: {
      checks: 'write',
      contents: 'read',
      issues: 'write',
      pull_requests: 'write',
      actions: 'write',
    },
    events: ['pull_request', 'pull_request_review', 'issue_comment', 'check_run'],
  };
}

export function checkRunJson(
  urls: Urls,
  repo: RepoRecord,
  run: CheckRunRecord,
  pullRequests: PullRequestRecord[],
): Schemas['check-run'] {
  const r = repoUrls(urls, repo);
  const repoRef = { id: repo.id, url: r.api, name: repo.name };
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CheckRun', run.id),
    external_id: run.externalId,
    url: `${r.api}/check-runs/${run.id}`,
    html_url: `${r.html}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${r.html}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${r.api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: appJson(urls, run.app),
    pull_requests: pullRequests.map((pr) => ({
      url: `${r.api}/pulls/${pr.number}`,
      id: pr.id,
      number: pr.number,
      head: { ref: pr.headRef, sha: pr.headSha, repo: repoRef },
      base: { ref: pr.baseRef, sha: pr.baseSha, repo: repoRef },
    })),
  };
}

export function annotationJson(
  urls: Urls,
  repo: RepoRecord,
  headSha: string,
  a: AnnotationRecord,
): Schemas['check-annotation'] {
  return {
    path: a.path,
    start_line: a.start_line,
    end_line: a.end_line,
    start_column: a.start_column ?? null,
    end_column: a.end_column ?? null,
    annotation_level: a.annotation_level,
    title: a.title ?? null,
    message: a.message,
    raw_details: a.raw_details ?? null,
    blob_href: `${repoUrls(urls, repo).html}/blob/${headSha}/${a.path}`,
  };
}

export function gitRefJson(urls: Urls, repo: RepoRecord, ref: string, sha: string): Schemas['git-ref'] {
  const r = repoUrls(urls, repo);
  return {
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${r.api}/git/${ref}`,
    object: { type: 'commit', sha, url: `${r.api}/git/commits/${sha}` },
  };
}

/** GitHub wraps base64 content at 60 characters, with a trailing newline. */
function base64Lines(content: string): string {
  const b64 = Buffer.from(content, 'utf8').toString('base64');
  return (b64.match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('');
}

export function contentFileJson(
  urls: Urls,
  repo: RepoRecord,
  path: string,
  content: string,
  ref: string,
): Schemas['content-file'] {
  const r = repoUrls(urls, repo);
  const sha = blobSha(content);
  const self = `${r.api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${r.api}/git/blobs/${sha}`;
  const html = `${r.html}/blob/${ref}/${path}`;
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(content, 'utf8'),
    name: path.split('/').pop() ?? path,
    path,
    content: base64Lines(content),
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${ref}/${path}`,
    _links: { self, git, html },
  };
}

export function gitCommitJson(urls: Urls, repo: RepoRecord, commit: GitCommitRecord): Schemas['git-commit'] {
  const r = repoUrls(urls, repo);
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    url: `${r.api}/git/commits/${commit.sha}`,
    html_url: `${r.html}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    message: commit.message,
    tree: { sha: commit.tree, url: `${r.api}/git/trees/${commit.tree}` },
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${r.api}/git/commits/${sha}`,
      html_url: `${r.html}/commit/${sha}`,
    })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

/** A commit as the pull-request commits and compare endpoints list it, with the accounts GitHub matched. */
export function commitJson(
  urls: Urls,
  repo: RepoRecord,
  commit: GitCommitRecord,
  logins: { author?: string; committer?: string } = {},
): Schemas['commit'] {
  const r = repoUrls(urls, repo);
  const git = gitCommitJson(urls, repo, commit);
  return {
    url: `${r.api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: git.node_id,
    html_url: git.html_url,
    comments_url: `${r.api}/commits/${commit.sha}/comments`,
    commit: {
      url: git.url,
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      comment_count: 0,
      tree: git.tree,
      verification: git.verification,
    },
    author: logins.author ? userJson(urls, logins.author) : null,
    committer: logins.committer ? userJson(urls, logins.committer) : null,
    parents: git.parents,
  };
}

export function workflowRunJson(
  urls: Urls,
  repo: RepoRecord,
  run: WorkflowRunRecord,
): Schemas['workflow-run'] {
  const base = example<Schemas['workflow-run']>('workflow-run');
  const r = repoUrls(urls, repo);
  const api = `${r.api}/actions/runs/${run.id}`;
  const repository = repositoryJson(urls, repo);
  const minimal = {
    ...repository,
    owner: userJson(urls, repo.owner),
  } as unknown as Schemas['minimal-repository'];
  return {
    ...base,
    id: run.id,
    name: run.name,
    node_id: nodeId('WorkflowRun', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${run.workflowId}`,
    display_title: run.name,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: Number.isInteger(Number(run.workflowId)) ? Number(run.workflowId) : 1,
    url: api,
    html_url: `${r.html}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_started_at: run.createdAt,
    actor: userJson(urls, run.actor),
    triggering_actor: userJson(urls, run.actor),
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${r.api}/check-suites/${run.id}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${r.api}/actions/workflows/${run.workflowId}`,
    head_commit: null,
    repository: minimal,
    head_repository: minimal,
  };
}

export function collaboratorPermissionJson(
  urls: Urls,
  login: string,
  role: Role,
): Schemas['repository-collaborator-permission'] {
  const permission = {
    admin: 'admin',
    maintain: 'write',
    write: 'write',
    triage: 'read',
    read: 'read',
    none: 'none',
  }[role];
  const rank = ['none', 'read', 'triage', 'write', 'maintain', 'admin'].indexOf(role);
  return {
    permission,
    role_name: role,
    user: {
      ...userJson(urls, login),
      permissions: {
        pull: rank >= 1,
        triage: rank >= 2,
        push: rank >= 3,
        maintain: rank >= 4,
        admin: rank >= 5,
      },
      role_name: role,
    },
  };
}
