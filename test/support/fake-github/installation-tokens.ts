/**
 * The fake's GitHub App installation: the tokens `POST /app/installations/{id}/access_tokens` issues
 * (narrowed to `repositories` / `repository_ids` and `permissions` as asked), their revocation
 * (`DELETE /installation/token`), `GET /repos/{owner}/{repo}/installation`, and the check GitHub
 * makes on every request with such a token: a repository it was not issued for, or a permission it
 * lacks, is refused (404 on a read, 403 "Resource not accessible by integration" on a write).
 */
import type { operations } from '@octokit/openapi-types';
import type { RequestContext, Reply } from './endpoints.js';
import { GitHubError } from './endpoints.js';
import type { Actor, AppIdentity, RepoRecord } from './model.js';
import { repositoryJson } from './shapes.js';
import type { Store } from './store.js';

export type PermissionLevel = 'read' | 'write' | 'admin';

/** The installation every repository of the fake belongs to, and what it was granted (app.yml's permissions). */
export interface InstallationSeed {
  id?: number;
  permissions?: Record<string, PermissionLevel>;
}

export const DEFAULT_INSTALLATION_PERMISSIONS: Record<string, PermissionLevel> = {
  actions: 'write',
  checks: 'write',
  contents: 'write',
  issues: 'write',
  members: 'read',
  metadata: 'read',
  pull_requests: 'write',
};

interface Grant {
  actor: Actor;
  /** Undefined: every repository of the installation. */
  repositoryIds?: number[];
  permissions: Record<string, PermissionLevel>;
  revoked: boolean;
}

/** Which permission an operation needs, by its operationId's category; undefined: none (apps, users). */
function permissionFor(operationId: string): string | undefined {
  if (operationId === 'repos/get' || operationId === 'repos/get-collaborator-permission-level')
    return 'metadata';
  const category = operationId.split('/')[0];
  const byCategory: Record<string, string> = {
    actions: 'actions',
    checks: 'checks',
    git: 'contents',
    issues: 'issues',
    pulls: 'pull_requests',
    reactions: 'issues',
    repos: 'contents',
    teams: 'members',
  };
  return category ? byCategory[category] : undefined;
}

function covers(granted: PermissionLevel | undefined, wanted: 'read' | 'write'): boolean {
  return granted === 'admin' || granted === 'write' || (wanted === 'read' && granted === 'read');
}

export class InstallationTokens {
  readonly id: number;
  readonly permissions: Record<string, PermissionLevel>;
  private readonly grants = new Map<string, Grant>();
  private serial = 0;

  constructor(seed: InstallationSeed = {}) {
    this.id = seed.id ?? 1;
    this.permissions = { ...(seed.permissions ?? DEFAULT_INSTALLATION_PERMISSIONS) };
  }

  issue(
    actor: Actor,
    scope: { repositoryIds?: number[]; permissions?: Record<string, PermissionLevel> },
  ): string {
    const token = `ghs_fake${this.id}x${(++this.serial).toString(36)}${Math.random().toString(36).slice(2, 14)}`;
    this.grants.set(token, {
      actor,
      ...(scope.repositoryIds ? { repositoryIds: [...scope.repositoryIds] } : {}),
      permissions: { ...(scope.permissions ?? this.permissions) },
      revoked: false,
    });
    return token;
  }

  /** Every token issued, oldest first, with its scope (copies). */
  issued(): {
    token: string;
    repositoryIds?: number[];
    permissions: Record<string, PermissionLevel>;
    revoked: boolean;
  }[] {
    return [...this.grants].map(([token, g]) => ({
      token,
      ...(g.repositoryIds ? { repositoryIds: [...g.repositoryIds] } : {}),
      permissions: { ...g.permissions },
      revoked: g.revoked,
    }));
  }

  /** Who an issued token acts as; undefined for a token this installation did not issue. */
  actorOf(token: string): Actor | undefined {
    return this.grants.get(token)?.actor;
  }

  isRevoked(token: string): boolean {
    return this.grants.get(token)?.revoked === true;
  }

  revoke(token: string): boolean {
    const grant = this.grants.get(token);
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  /** GitHub's answer when an issued token's repositories or permissions do not cover the request. */
  refusal(
    token: string,
    ctx: Pick<RequestContext, 'operationId' | 'method' | 'params' | 'store' | 'documentationUrl'>,
  ): GitHubError | undefined {
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    const write = ctx.method !== 'GET' && ctx.method !== 'HEAD';
    // GitHub semantics, not a malformed request: no violation. The reason is kept for a failing test's message.
    const refuse = (reason: string) =>
      write
        ? new GitHubError(403, {
            message: 'Resource not accessible by integration',
            documentation_url: ctx.documentationUrl,
            status: '403',
            reason,
          })
        : new GitHubError(404, {
            message: 'Not Found',
            documentation_url: ctx.documentationUrl,
            status: '404',
            reason,
          });
    const owner = ctx.params['owner'];
    const name = ctx.params['repo'];
    if (grant.repositoryIds && owner !== undefined && name !== undefined) {
      const repo = ctx.store.find(owner, name);
      if (!repo || !grant.repositoryIds.includes(repo.id))
        return refuse(
          `the token was issued for repository ids ${grant.repositoryIds.join(', ')}, not ${owner}/${name}`,
        );
    }
    const permission = permissionFor(ctx.operationId);
    if (permission && !covers(grant.permissions[permission], write ? 'write' : 'read'))
      return refuse(`the token lacks ${permission}: ${write ? 'write' : 'read'}`);
    return undefined;
  }
}

type Handler = (ctx: RequestContext & { tokens: InstallationTokens; token: string }) => Reply;

type JsonBody<K extends keyof operations> = operations[K] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

function unprocessable(ctx: RequestContext, message: string): GitHubError {
  return new GitHubError(422, { message, documentation_url: ctx.documentationUrl, status: '422' });
}

/** The app behind a JWT; these endpoints refuse an installation token, as GitHub does. */
function appOf(ctx: RequestContext & { token: string }): AppIdentity {
  const app = ctx.actor.app;
  const jwt = /^[\w-]+\.[\w-]+\.[\w-]+$/.test(ctx.token);
  if (!app || !jwt || ctx.actor.login !== `${app.slug}[bot]` || app.slug === 'github-actions')
    throw new GitHubError(401, {
      message: 'A JSON web token could not be decoded',
      documentation_url: ctx.documentationUrl,
      status: '401',
    });
  return app;
}

function reposNamed(store: Store, names: string[]): RepoRecord[] {
  return names.map((name) =>
    [...store.repos.values()].find((r) => r.name.toLowerCase() === name.toLowerCase())!,
  );
}

export const installationTokenHandlers: Record<string, Handler> = {
  'apps/create-installation-access-token': (ctx) => {
    const app = appOf(ctx);
    if (Number(ctx.params['installation_id']) !== ctx.tokens.id)
      throw new GitHubError(404, {
        message: 'Not Found',
        documentation_url: ctx.documentationUrl,
        status: '404',
      });
    const body = (ctx.body ?? {}) as JsonBody<'apps/create-installation-access-token'>;
    let repos: RepoRecord[] | undefined;
    if (body.repository_ids?.length) {
      repos = body.repository_ids.map((id) => [...ctx.store.repos.values()].find((r) => r.id === id)!);
      if (repos.some((r) => !r))
        throw unprocessable(
          ctx,
          'There is at least one repository that does not exist or is not accessible to the parent installation.',
        );
    }
    if (body.repositories?.length) {
      const named = reposNamed(ctx.store, body.repositories);
      if (named.some((r) => !r))
        throw unprocessable(
          ctx,
          'There is at least one repository that does not exist or is not accessible to the parent installation.',
        );
      repos = [...(repos ?? []), ...named];
    }
    const asked = body.permissions as Record<string, PermissionLevel> | undefined;
    if (asked) {
      for (const [name, level] of Object.entries(asked))
        if (!covers(ctx.tokens.permissions[name], level === 'admin' ? 'write' : level))
          throw unprocessable(ctx, 'The permissions requested are not granted to this installation.');
    }
    const permissions = asked ?? ctx.tokens.permissions;
    const token = ctx.tokens.issue(
      { login: `${app.slug}[bot]`, type: 'Bot', app },
      { ...(repos ? { repositoryIds: repos.map((r) => r.id) } : {}), permissions },
    );
    const expires = new Date(Date.parse(ctx.store.now()) + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      status: 201,
      body: {
        token,
        expires_at: expires,
        permissions,
        repository_selection: repos ? 'selected' : 'all',
        ...(repos ? { repositories: repos.map((r) => repositoryJson(ctx.urls, r)) } : {}),
      },
    };
  },

  'apps/revoke-installation-access-token': (ctx) => {
    if (!ctx.tokens.revoke(ctx.token))
      throw new GitHubError(401, {
        message: 'Bad credentials',
        documentation_url: ctx.documentationUrl,
        status: '401',
      });
    return { status: 204 };
  },

  'apps/get-repo-installation': (ctx) => {
    const app = appOf(ctx);
    const repo = ctx.store.find(ctx.params['owner'] ?? '', ctx.params['repo'] ?? '');
    if (!repo)
      throw new GitHubError(404, {
        message: 'Not Found',
        documentation_url: ctx.documentationUrl,
        status: '404',
      });
    const now = ctx.store.now();
    return {
      status: 200,
      body: {
        id: ctx.tokens.id,
        account: null,
        repository_selection: 'all',
        access_tokens_url: `${ctx.urls.api}/app/installations/${ctx.tokens.id}/access_tokens`,
        repositories_url: `${ctx.urls.api}/installation/repositories`,
        html_url: `${ctx.urls.html}/organizations/${repo.owner}/settings/installations/${ctx.tokens.id}`,
        app_id: app.id,
        app_slug: app.slug,
        target_id: 1,
        target_type: 'Organization',
        permissions: ctx.tokens.permissions,
        events: ['check_run', 'issue_comment', 'pull_request', 'pull_request_review'],
        created_at: now,
        updated_at: now,
        single_file_name: null,
        suspended_by: null,
        suspended_at: null,
      },
    };
  },
};
