import type { Octokit } from '@octokit/core';
import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from 'probot';
import { parseComment } from '../gate/commands.js';
import { actsOn, toGateEvent, type GateEvent } from '../gate/events.js';
import { handleEvent } from '../gate/handle.js';
import type { GateEnv } from '../gate/view.js';
import { apiFailureMessage, networkErrorCode } from '../github/failure.js';
import { OctokitPort } from '../github/octokit.js';
import { codeSpan } from '../render/markdown.js';
import { claimComment } from './claim.js';
import { configFromEnv, type AppConfig } from './config.js';
import { dispatchRun, reportDispatchFailure, type DispatchTarget, type Handoff } from './dispatch.js';
import { inlineIsolation, inlineRunner, type InlineIsolation, type InlineRunner } from './inline.js';
import { DEFAULT_TOKEN_SWEEP_MS, IssuedTokens } from './issued-tokens.js';
import { exchangeToken, oidcVerifier } from './token-exchange.js';
import { probotExchangeGitHub, tokenExchangeHandler } from './token-exchange-http.js';
import { oneLineForBadSignatures } from './webhook-log.js';

/** The webhooks the app subscribes to (app.yml); the gate decides which actions it acts on. */
export const APP_EVENTS = [
  'pull_request',
  'pull_request_review',
  'issue_comment',
  'check_run',
  'merge_group',
] as const;
type AppEvent = (typeof APP_EVENTS)[number];
/** Subscribed for the `dispatch` executor: a run's completion revokes the token it was given. */
export const DISPATCH_EVENTS = ['workflow_run'] as const;

type Handler = Parameters<ApplicationFunctionOptions['addHandler']>[0];

/** `GET /healthz` → 200 `ok`, for load balancers and orchestrators; it needs neither GitHub nor a secret. */
export const healthz: Handler = (req, res) => {
  if (req.method !== 'GET' || req.url?.split('?')[0] !== '/healthz') return false;
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
  return true;
};

/**
 * The Probot app: the same gate as the Action (`handleEvent`), fed from webhooks of every
 * repository the app is installed on. It keeps nothing between events but the app's own login:
 * state lives in the bot's review and check runs, the lock is a ref, and a comment is claimed with
 * a reaction, so any number of replicas may receive any event, as often as GitHub sends it.
 */
export function createApp(config: AppConfig): ApplicationFunction {
  return (app: Probot, options: ApplicationFunctionOptions) => {
    oneLineForBadSignatures(app.log);
    const served = addHealthz(options);
    const botLogin = appLogin(app, served);
    // The token exchange is served next to the webhooks; `probot receive` has no server to serve it.
    if (served && config.executor === 'dispatch' && config.tokenExchange) {
      const github = probotExchangeGitHub(app);
      const exchange = {
        settings: config.tokenExchange,
        workflow: config.workflow,
        github,
        botLogin,
        verify: oidcVerifier(config.tokenExchange),
      };
      const log = { info: (line: string) => app.log.info(line), warn: (line: string) => app.log.warn(line) };
      // Each token given out is revoked once its run has ended, even when its job was killed first.
      const issued = new IssuedTokens(
        {
          runStatus: async (id, owner, repo, runId) =>
            (await github.workflowRun(id, owner, repo, runId))?.status,
          revoke: (token) => github.revokeToken(token),
        },
        log,
      );
      options.addHandler(
        tokenExchangeHandler(async (jwt) => {
          const given = await exchangeToken(exchange, jwt);
          const [owner = '', repo = ''] = given.repository.split('/');
          issued.record({ ...given, owner, repo });
          return given;
        }, log),
      );
      app.on('workflow_run.completed', async (context) => {
        const { workflow_run: run, repository } = context.payload;
        await issued.runEnded(repository.owner.login, repository.name, run.id);
      });
      setInterval(() => void issued.sweep(), config.tokenSweepMs ?? DEFAULT_TOKEN_SWEEP_MS).unref();
    }
    // Said (or refused, under production) once at start: how inline steps are kept from the app.
    const isolation =
      config.executor === 'inline'
        ? inlineIsolation(process.env, {
            info: (line) => app.log.info(line),
            warn: (line) => app.log.warn(line),
          })
        : undefined;
    // Not async: most deliveries are ignored, and are answered here without a promise, a closure or a log call.
    app.on([...APP_EVENTS], (context) => {
      const event = toActionable(context as unknown as Context<AppEvent>);
      if (!event) return Promise.resolve();
      return onWebhook(context as unknown as Context<AppEvent>, event, config, botLogin, served, isolation);
    });
  };
}

/**
 * The app as `npm start`, `probot run dist/app.js` and `probot receive … dist/app.js` load it
 * (dist/app.js default-exports it): configured from the environment.
 */
export default function proceedApp(app: Probot, options: ApplicationFunctionOptions): void | Promise<void> {
  return createApp(configFromEnv(process.env))(app, options);
}

/**
 * Adds `GET /healthz` when there is a server to add it to, and says whether there is. `probot
 * receive` handles one delivery without a server: its `addHandler` throws "No server instance".
 */
function addHealthz(options: ApplicationFunctionOptions | undefined): boolean {
  if (typeof options?.addHandler !== 'function') return false;
  try {
    options.addHandler(healthz);
    return true;
  } catch {
    return false;
  }
}

/**
 * One delivery from the command line (`probot receive`): a request that fails is not tried again
 * (nobody waits minutes for a retry's backoff at a terminal), and a failure makes the command
 * exit non-zero after saying what happened.
 */
function withoutRetries<T extends { hook: Octokit['hook'] }>(octokit: T): T {
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, retries: 0 } as typeof options.request;
  });
  return octokit;
}

/** `<slug>[bot]`, the login the app posts as: asked once per process (it never changes), again after a failure. */
function appLogin(app: Probot, served: boolean): () => Promise<string> {
  let login: Promise<string> | undefined;
  return () => {
    login ??= (async () => {
      const jwt = await app.auth();
      const octokit = served ? jwt : withoutRetries(jwt);
      const { data } = await octokit.request('GET /app');
      if (!data?.slug) throw new Error('GET /app answered without the app slug');
      return `${data.slug}[bot]`;
    })().catch((err: unknown) => {
      login = undefined;
      throw err;
    });
    return login;
  };
}

/**
 * The gate event a delivery is, or undefined when there is nothing to do for it (said at debug, or
 * at warn for a payload GitHub would not send). Synchronous, before any port, runner or login is
 * built: the common case is an event the gate does not act on, or a comment with no command.
 */
function toActionable(context: Context<AppEvent>): GateEvent | undefined {
  const comment = context.name === 'issue_comment' ? withoutCommand(context.payload) : undefined;
  if (comment) {
    if (context.log.isLevelEnabled('debug'))
      context.log.debug(`proceed: comment ${comment.id} on #${comment.number} has no command; ignored.`);
    return undefined;
  }
  const event = toGateEvent(context.name, context.payload);
  if (event.kind === 'ignored') {
    if (context.log.isLevelEnabled('debug')) context.log.debug(`proceed: ${event.reason}.`);
    return undefined;
  }
  if (event.kind === 'invalid') {
    context.log.warn(`proceed: ${event.message} (delivery ${context.id}).`);
    return undefined;
  }
  return event;
}

/**
 * The comment a new comment's delivery is when it holds no command, read before the payload is
 * validated: most comments are conversation, and nothing else of them is used. A body that is not
 * a string (or null) is left to `toGateEvent` to call invalid.
 */
function withoutCommand(payload: unknown): { id: unknown; number: unknown } | undefined {
  const p = payload as {
    action?: unknown;
    comment?: { id?: unknown; body?: unknown };
    issue?: { number?: unknown };
  };
  const body = p.comment?.body;
  if (!actsOn('issue_comment', p.action) || (body !== null && typeof body !== 'string')) return undefined;
  if (parseComment(body ?? '').kind !== 'none') return undefined;
  return { id: p.comment?.id, number: p.issue?.number };
}

async function onWebhook(
  context: Context<AppEvent>,
  event: GateEvent,
  config: AppConfig,
  botLogin: () => Promise<string>,
  served: boolean,
  isolation: InlineIsolation | undefined,
): Promise<void> {
  const log = (line: string) => context.log.info(line);
  const where = context.repo() as { owner: string; repo: string };
  const octokit = context.octokit as unknown as Octokit;
  if (!served) withoutRetries(octokit);
  const port = new OctokitPort(octokit, where.owner, where.repo);
  let inline: InlineRunner | undefined;
  try {
    if (event.kind === 'comment' && event.sender.type === 'User') {
      if (!(await claimComment(octokit, where, event.commentId))) {
        log(`proceed: comment ${event.commentId} on #${event.number} was already seen; nothing to do.`);
        return;
      }
    }
    if (config.executor === 'inline')
      inline = inlineRunner(config, where, () => installationToken(context), log, isolation);
    const env: GateEnv = {
      port,
      botLogin: await botLogin(),
      planGlobs: config.planGlobs,
      policyPath: config.policyPath,
      log,
      buttons: true,
      ...(inline ? { runner: inline.runner } : {}),
    };
    const result = await handleEvent(env, event);
    log(`proceed: ${result.summary}`);
    if (result.handoff && 'number' in event)
      await handOn(context, config, port, event.number, result.handoff);
  } catch (err) {
    await reportFailure(context, port, event, err);
    // Served, the delivery was received and said on the pull request; from `probot receive`, the
    // command must fail, with the one line above rather than Probot's stack trace and payload.
    if (!served) process.exitCode = 1;
  } finally {
    await inline?.cleanup();
  }
}

/** `dispatch`: the run the gate recorded goes to the repository's proceed workflow. */
async function handOn(
  context: Context<AppEvent>,
  config: AppConfig,
  port: OctokitPort,
  number: number,
  handoff: Handoff,
): Promise<void> {
  if (config.executor !== 'dispatch') {
    context.log.warn(`proceed: a run was handed over on #${number}, but the executor is ${config.executor}.`);
    return;
  }
  const target: DispatchTarget = {
    ...(context.repo() as { owner: string; repo: string }),
    workflow: config.workflow,
    ref: await defaultBranch(context),
  };
  try {
    const runId = await dispatchRun(context.octokit as unknown as Octokit, target, number, handoff);
    context.log.info(
      `proceed: dispatched ${target.workflow} on ${target.ref} for #${number} at ${handoff.headSha.slice(0, 7)} (/${handoff.command} by ${handoff.by})` +
        `${runId === undefined ? '' : `: run ${runId}`}.`,
    );
  } catch (err) {
    context.log.warn(`proceed: could not dispatch ${target.workflow}: ${(err as Error).message}`);
    await reportDispatchFailure(port, target, number, handoff, err);
  }
}

async function defaultBranch(context: Context<AppEvent>): Promise<string> {
  const repository = (context.payload as { repository?: { default_branch?: unknown } }).repository;
  if (typeof repository?.default_branch === 'string') return repository.default_branch;
  const { data } = await context.octokit.request('GET /repos/{owner}/{repo}', context.repo());
  return data.default_branch;
}

/**
 * The installation token, for cloning. Asked for only once the gate has called the API with it:
 * Probot's auth then hands out the token it holds (asked directly first, it would go to
 * api.github.com whatever the app's base URL).
 */
async function installationToken(context: Context<AppEvent>): Promise<string> {
  const auth = (await context.octokit.auth({ type: 'installation' })) as { token?: unknown };
  if (typeof auth.token !== 'string')
    throw new Error('no installation token: is the app installed on this repository?');
  return auth.token;
}

/**
 * An API failure that outlived the retries, or a bug: logged, and said on the pull request when
 * GitHub lets us, without a stack trace. Never thrown: the delivery was received, and a redelivery
 * of a claimed comment would be ignored anyway.
 */
async function reportFailure(
  context: Context<AppEvent>,
  port: OctokitPort,
  event: GateEvent,
  err: unknown,
): Promise<void> {
  const baseUrl = String(context.octokit.request.endpoint.DEFAULTS.baseUrl);
  const message = apiFailureMessage(err, baseUrl);
  const on = 'number' in event ? `#${event.number}` : `the merge group at ${event.headSha.slice(0, 7)}`;
  context.log.error(`proceed: ${context.name} delivery ${context.id} on ${on} failed: ${message}`);
  // With the API out of reach, a comment saying so would not arrive either.
  if (networkErrorCode(err)) return;
  // A merge group has no pull request to say it on; its gate says it (gate/merge-group.ts).
  if (event.sender.type !== 'User' || !('number' in event)) return;
  await port
    .createComment(
      event.number,
      `**proceed stopped** while handling this \`${context.name}\` event: ${codeSpan(message)}. ` +
        'Nothing after that point was done; comment the command again (or `/plan` to re-render) to continue.',
    )
    .catch((again: unknown) =>
      context.log.error(
        `proceed: could not report that on #${event.number} either: ${(again as Error).message}`,
      ),
    );
}
