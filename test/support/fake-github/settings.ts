/**
 * The fake's repository settings: what `proceed doctor` reads to judge a repository's setup (a
 * branch's protection, the rulesets that apply to a branch, a GitHub App's public registration).
 * Kept apart from the pull-request flow's state because only the setup checks use it; seeded with
 * `repoSettings(fake.repo())`:
 *
 *   repoSettings(fake.repo()).protection.set('main', { checks: [{ context: 'proceed/verify', app_id: 15368 }] });
 *   repoSettings(fake.repo()).rules.push({ type: 'merge_queue' }, requiredChecks([{ context: 'proceed/verify', integration_id: 15368 }]));
 *   repoSettings(fake.repo()).apps.set('proceed-bot', { id: 99, permissions: { checks: 'write' }, events: ['check_run'] });
 */
import type { components } from '@octokit/openapi-types';
import type { RequestContext, Reply } from './endpoints.js';
import type { RepoRecord } from './model.js';
import { example } from './openapi.js';
import { rebase, userJson } from './shapes.js';
import type { RepoHandle } from './store.js';

type Schemas = components['schemas'];

/** Branch protection's required status checks, as `GET /branches/{branch}` shows them to readers. */
export interface ProtectionSeed {
  /** Required checks with their pinned source (`app_id: null`: any source). */
  checks: { context: string; app_id: number | null }[];
}

/** A rule of a ruleset that applies to the branch (`GET /rules/branches/{branch}`), without the ruleset's info. */
export type RuleSeed =
  | { type: 'merge_queue' }
  | {
      type: 'required_status_checks';
      parameters: {
        required_status_checks: { context: string; integration_id?: number }[];
        strict_required_status_checks_policy: boolean;
      };
    }
  | { type: 'pull_request' | 'deletion' | 'non_fast_forward' };

/** A GitHub App as `GET /apps/{slug}` shows it. */
export interface AppRegistration {
  id: number;
  name?: string;
  permissions: Record<string, 'read' | 'write'>;
  events: string[];
}

export interface RepoSettings {
  /** Branch name → its branch protection (a branch without an entry is unprotected). */
  protection: Map<string, ProtectionSeed>;
  /** Rules of the repository's rulesets; each applies to the default branch. */
  rules: RuleSeed[];
  /** Apps by slug, visible to any token. */
  apps: Map<string, AppRegistration>;
}

const settings = new WeakMap<RepoRecord, RepoSettings>();

function settingsOfRecord(repo: RepoRecord): RepoSettings {
  let s = settings.get(repo);
  if (!s) {
    s = { protection: new Map(), rules: [], apps: new Map() };
    settings.set(repo, s);
  }
  return s;
}

/** The mutable settings of a fake repository, for a test to seed. */
export function repoSettings(repo: RepoHandle): RepoSettings {
  return settingsOfRecord(repo.record);
}

/** A `required_status_checks` rule requiring `checks`. */
export function requiredChecks(checks: { context: string; integration_id?: number }[]): RuleSeed {
  return {
    type: 'required_status_checks',
    parameters: { required_status_checks: checks, strict_required_status_checks_policy: false },
  };
}

function notFound(ctx: RequestContext): Reply {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: ctx.documentationUrl, status: '404' },
  };
}

function repoOf(ctx: RequestContext): RepoRecord | undefined {
  return ctx.store.find(ctx.params['owner'] ?? '', ctx.params['repo'] ?? '');
}

export const settingsHandlers: Record<string, (ctx: RequestContext) => Reply> = {
  'repos/get-branch': (ctx) => {
    const repo = repoOf(ctx);
    const branch = ctx.params['branch'] ?? '';
    const sha = repo?.refs.get(`refs/heads/${branch}`);
    if (!repo || !sha) return notFound(ctx);
    const full = `${repo.owner}/${repo.name}`;
    const api = `${ctx.urls.api}/repos/${full}`;
    const base = rebase(example<Schemas['branch-with-protection']>('branch-get'), [
      ['https://api.github.com', ctx.urls.api],
      ['https://github.com', ctx.urls.html],
      ['octocat/Hello-World', full],
    ]);
    const protection = settingsOfRecord(repo).protection.get(branch);
    return {
      status: 200,
      body: {
        ...base,
        name: branch,
        commit: { ...base.commit, sha },
        _links: { html: `${ctx.urls.html}/${full}/tree/${branch}`, self: `${api}/branches/${branch}` },
        protected: protection !== undefined,
        // Readers see only the required status checks of a protection, as GitHub shows them.
        protection: protection
          ? {
              enabled: true,
              required_status_checks: {
                enforcement_level: 'non_admins',
                contexts: protection.checks.map((c) => c.context),
                checks: protection.checks.map((c) => ({ ...c })),
              },
            }
          : {
              enabled: false,
              required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] },
            },
        protection_url: `${api}/branches/${branch}/protection`,
      },
    };
  },

  'repos/get-branch-rules': (ctx) => {
    const repo = repoOf(ctx);
    if (!repo) return notFound(ctx);
    const branch = ctx.params['branch'] ?? '';
    // The fake's rulesets target the default branch only (`~DEFAULT_BRANCH`, the common setup).
    const rules = branch === repo.defaultBranch ? settingsOfRecord(repo).rules : [];
    return {
      status: 200,
      body: rules.map((rule, i) => ({
        ...rule,
        ruleset_source_type: 'Repository',
        ruleset_source: `${repo.owner}/${repo.name}`,
        ruleset_id: 100 + i,
      })),
    };
  },

  'apps/get-by-slug': (ctx) => {
    const slug = ctx.params['app_slug'] ?? '';
    for (const repo of ctx.store.repos.values()) {
      const app = settingsOfRecord(repo).apps.get(slug);
      if (!app) continue;
      const base = example<Schemas['integration']>('integration');
      return {
        status: 200,
        body: {
          ...base,
          id: app.id,
          slug,
          client_id: `Iv1.${slug}`,
          name: app.name ?? slug,
          owner: userJson(ctx.urls, repo.owner),
          html_url: `${ctx.urls.html}/apps/${slug}`,
          external_url: `${ctx.urls.html}/apps/${slug}`,
          permissions: { ...app.permissions, metadata: 'read' },
          events: [...app.events],
        },
      };
    }
    return notFound(ctx);
  },
};
