/**
 * The fake's GitHub Deployments: `POST/GET /deployments` and their statuses, as a plan with an
 * `environment:` records its execution. Inspect with `deploymentsOf(fake.repo())`: each deployment
 * with its statuses, oldest first.
 */
import type { components } from '@octokit/openapi-types';
import type { Reply, RequestContext } from './endpoints.js';
import type { RepoRecord } from './model.js';
import { example } from './openapi.js';
import { userJson } from './shapes.js';
import type { RepoHandle } from './store.js';

type Schemas = components['schemas'];
type State = Schemas['deployment-status']['state'];

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  creator: string;
  createdAt: string;
  statuses: {
    id: number;
    state: State;
    logUrl: string;
    description: string;
    creator: string;
    createdAt: string;
  }[];
}

const deployments = new WeakMap<RepoRecord, DeploymentRecord[]>();
let nextId = 700_000_000;

function listOf(repo: RepoRecord): DeploymentRecord[] {
  let list = deployments.get(repo);
  if (!list) deployments.set(repo, (list = []));
  return list;
}

/** The deployments of a fake repository, oldest first (copies). */
export function deploymentsOf(repo: RepoHandle): DeploymentRecord[] {
  return structuredClone(listOf(repo.record));
}

function repoOf(ctx: RequestContext): RepoRecord | undefined {
  return ctx.store.find(ctx.params['owner'] ?? '', ctx.params['repo'] ?? '');
}

function notFound(ctx: RequestContext): Reply {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: ctx.documentationUrl, status: '404' },
  };
}

function deploymentJson(ctx: RequestContext, repo: RepoRecord, d: DeploymentRecord): Schemas['deployment'] {
  const api = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}`;
  return {
    ...example<Schemas['deployment']>('deployment'),
    id: d.id,
    node_id: Buffer.from(`010:Deployment${d.id}`).toString('base64'),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(ctx.urls, d.creator),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    url: `${api}/deployments/${d.id}`,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: null,
  };
}

function statusJson(
  ctx: RequestContext,
  repo: RepoRecord,
  d: DeploymentRecord,
  s: DeploymentRecord['statuses'][number],
): Schemas['deployment-status'] {
  const api = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}`;
  return {
    ...example<Schemas['deployment-status']>('deployment-status'),
    id: s.id,
    node_id: Buffer.from(`016:DeploymentStatus${s.id}`).toString('base64'),
    state: s.state,
    creator: userJson(ctx.urls, s.creator),
    description: s.description,
    environment: d.environment,
    target_url: s.logUrl,
    log_url: s.logUrl,
    environment_url: '',
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    performed_via_github_app: null,
  };
}

export const deploymentHandlers: Record<string, (ctx: RequestContext) => Reply> = {
  'repos/create-deployment': (ctx) => {
    const repo = repoOf(ctx);
    if (!repo) return notFound(ctx);
    const body = ctx.body as {
      ref: string;
      task?: string;
      environment?: string;
      description?: string | null;
      production_environment?: boolean;
      transient_environment?: boolean;
      required_contexts?: string[];
    };
    const sha = ctx.store.resolveCommit(repo, body.ref);
    if (!sha) {
      return {
        status: 422,
        body: {
          message: `No ref found for: ${body.ref}`,
          documentation_url: ctx.documentationUrl,
          status: '422',
        },
      };
    }
    const environment = body.environment ?? 'production';
    const d: DeploymentRecord = {
      id: nextId++,
      sha,
      ref: body.ref,
      task: body.task ?? 'deploy',
      environment,
      description: body.description ?? null,
      productionEnvironment: body.production_environment ?? environment === 'production',
      transientEnvironment: body.transient_environment ?? false,
      creator: ctx.actor.login,
      createdAt: ctx.store.now(),
      statuses: [],
    };
    listOf(repo).push(d);
    return { status: 201, body: deploymentJson(ctx, repo, d) };
  },

  'repos/list-deployments': (ctx) => {
    const repo = repoOf(ctx);
    if (!repo) return notFound(ctx);
    const q = ctx.query;
    const found = listOf(repo)
      .filter((d) => !q['sha'] || d.sha === q['sha'])
      .filter((d) => !q['environment'] || d.environment === q['environment'])
      .filter((d) => !q['task'] || d.task === q['task'])
      .reverse();
    return { status: 200, body: found.map((d) => deploymentJson(ctx, repo, d)) };
  },

  'repos/create-deployment-status': (ctx) => {
    const repo = repoOf(ctx);
    const d = repo && listOf(repo).find((x) => x.id === Number(ctx.params['deployment_id']));
    if (!repo || !d) return notFound(ctx);
    const body = ctx.body as { state: State; log_url?: string; target_url?: string; description?: string };
    const s = {
      id: nextId++,
      state: body.state,
      logUrl: body.log_url ?? body.target_url ?? '',
      description: body.description ?? '',
      creator: ctx.actor.login,
      createdAt: ctx.store.now(),
    };
    d.statuses.push(s);
    return { status: 201, body: statusJson(ctx, repo, d, s) };
  },

  'repos/list-deployment-statuses': (ctx) => {
    const repo = repoOf(ctx);
    const d = repo && listOf(repo).find((x) => x.id === Number(ctx.params['deployment_id']));
    if (!repo || !d) return notFound(ctx);
    return { status: 200, body: [...d.statuses].reverse().map((s) => statusJson(ctx, repo, d, s)) };
  },
};
