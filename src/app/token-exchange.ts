/**
 * The `dispatch` executor's credential: a workflow run the app dispatched presents its GitHub
 * Actions OIDC token and gets back a short-lived installation token restricted to its one
 * repository and to what an execution needs, so no repository ever holds the app's private key.
 * Every check that can refuse is here; the HTTP endpoint (token-exchange-http.ts) only carries it.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';

/** Where the app serves the exchange, next to Probot's webhooks. */
export const TOKEN_EXCHANGE_PATH = '/proceed/token';
/** GitHub Actions' OIDC issuer on github.com (GHES: `https://HOST/_services/token`). */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * What an execution does with the token (`mode: execute`): read and write the bot's review and
 * comments, reactions and check runs, take the lock (a ref), fetch the commit, tell whether a lock's
 * holder still runs, read who may approve. Nothing else: no `actions: write`, so the token cannot
 * dispatch a workflow as the app, and no `administration`, `secrets` or `workflows`.
 */
export const EXECUTION_PERMISSIONS: Readonly<Record<string, 'read' | 'write'>> = {
  checks: 'write',
  contents: 'write',
  issues: 'write',
  pull_requests: 'write',
  actions: 'read',
  metadata: 'read',
};
/** Asked for when the installation has it (`approvers.teams`); an account without organisations has no members. */
const OPTIONAL_PERMISSIONS: Readonly<Record<string, 'read'>> = { members: 'read' };

export interface TokenExchangeSettings {
  /** The app's public URL: where the Action posts its OIDC token, and the audience that token must name. */
  appUrl: string;
  /** The OIDC issuer whose keys (`<issuer>/.well-known/jwks`) sign the tokens. */
  issuer: string;
  audience: string;
}

/** A refusal, with the HTTP status the endpoint answers and a reason for the log and the workflow. */
export class ExchangeRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 409 | 502,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The facts about a workflow run the exchange checks, as GitHub's API reports them. */
export interface RunFacts {
  id: number;
  event: string;
  status: string;
  path: string;
  headBranch: string | null;
  headSha: string;
  runAttempt: number;
  /** Who started this attempt: the app's bot for a run the app dispatched. */
  triggeringActor: string | undefined;
}

/** The GitHub operations the exchange needs, as the app (its JWT and installation tokens) performs them. */
export interface ExchangeGitHub {
  /** The app's installation on the repository and the permissions it was granted; undefined when not installed. */
  installation(
    owner: string,
    repo: string,
  ): Promise<{ id: number; permissions: Record<string, string | undefined> } | undefined>;
  repository(
    installationId: number,
    owner: string,
    repo: string,
  ): Promise<{ id: number; fullName: string; defaultBranch: string }>;
  workflowRun(
    installationId: number,
    owner: string,
    repo: string,
    runId: number,
  ): Promise<RunFacts | undefined>;
  /**
   * Records that a run attempt exchanged its token by creating a ref; false when the ref exists.
   * GitHub arbitrates (a second create answers 422), so across replicas a run exchanges once.
   */
  markExchanged(
    installationId: number,
    owner: string,
    repo: string,
    ref: string,
    sha: string,
  ): Promise<boolean>;
  /** The exchange marks (refs/proceed/tokens/…) in the repository. */
  exchangeMarks(installationId: number, owner: string, repo: string): Promise<string[]>;
  deleteRef(installationId: number, owner: string, repo: string, ref: string): Promise<void>;
  /** `DELETE /installation/token` with the token itself: it is refused (401) from then on. */
  revokeToken(token: string): Promise<void>;
  createToken(
    installationId: number,
    repositoryId: number,
    permissions: Record<string, string>,
  ): Promise<{ token: string; expiresAt: string; permissions: Record<string, string> }>;
}

export interface ExchangeContext {
  settings: TokenExchangeSettings;
  /** The workflow file the app dispatches (PROCEED_WORKFLOW). */
  workflow: string;
  github: ExchangeGitHub;
  /** `<slug>[bot]`: who a run the app dispatched was triggered by. */
  botLogin: () => Promise<string>;
  /** Verifies the JWT's signature, issuer, audience and lifetime; `oidcVerifier` in production. */
  verify: (jwt: string) => Promise<JWTPayload>;
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
  repository: string;
  installationId: number;
  runId: number;
  botLogin: string;
  permissions: Record<string, string>;
}

/** The claims of a GitHub Actions OIDC token this exchange reads (GitHub sends ids as strings). */
const ActionsClaims = z.object({
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  repository_id: z.string().regex(/^\d+$/),
  event_name: z.string(),
  ref: z.string(),
  workflow_ref: z.string(),
  job_workflow_ref: z.string(),
  run_id: z.string().regex(/^\d+$/),
  run_attempt: z.string().regex(/^\d+$/),
});

/** The ref that marks a run attempt's exchange (next to the locks under refs/proceed/). */
export function exchangeMarkRef(runId: number, attempt: number): string {
  return `${MARK_PREFIX}${runId}-${attempt}`;
}
const MARK_PREFIX = 'refs/proceed/tokens/run-';
/** Marks of other runs looked at per exchange; enough to keep up, as each run leaves one. */
const SWEEP_LIMIT = 5;

/** Signature, issuer, audience, expiry and not-before, against the issuer's published keys (fetched and cached by jose). */
export function oidcVerifier(settings: TokenExchangeSettings): (jwt: string) => Promise<JWTPayload> {
  const keys = createRemoteJWKSet(new URL(`${settings.issuer.replace(/\/+$/, '')}/.well-known/jwks`));
  return async (jwt) => {
    const { payload } = await jwtVerify(jwt, keys, {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'iat'],
      // GitHub's tokens live minutes; an older one was kept somewhere, which is what one-time use is for.
      maxTokenAge: '15m',
      // The app's clock and GitHub's may differ by seconds; a fresh token must not look issued in the future.
      clockTolerance: 30,
    });
    return payload;
  };
}

/** Why jose refused a token, in the words an operator or workflow author needs. */
function verificationRefusal(err: unknown, settings: TokenExchangeSettings): ExchangeRefusal {
  const refuse = (reason: string, message: string) => new ExchangeRefusal(401, reason, message);
  if (err instanceof joseErrors.JWTExpired)
    return refuse('expired', 'the OIDC token has expired: request a new one');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud')
      return refuse(
        'wrong-audience',
        `the OIDC token is not for this app: its audience must be ${settings.audience} (the Action's app-url)`,
      );
    if (err.claim === 'iss')
      return refuse('wrong-issuer', `the OIDC token was not issued by ${settings.issuer}`);
    if (err.claim === 'iat')
      return refuse('expired', 'the OIDC token is older than 15 minutes: request a new one');
    return refuse('invalid-claims', `the OIDC token's "${err.claim}" claim is not acceptable: ${err.reason}`);
  }
  if (
    err instanceof joseErrors.JWSSignatureVerificationFailed ||
    err instanceof joseErrors.JWKSNoMatchingKey ||
    err instanceof joseErrors.JWKSMultipleMatchingKeys
  )
    return refuse('bad-signature', `the OIDC token is not signed by one of ${settings.issuer}'s keys`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return refuse('bad-signature', 'the OIDC token is not signed with RS256, as GitHub signs them');
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid)
    return new ExchangeRefusal(
      502,
      'issuer-unavailable',
      `the keys of ${settings.issuer} could not be read; try again`,
    );
  if (err instanceof joseErrors.JOSEError)
    return refuse('invalid-token', `the OIDC token could not be verified: ${err.message}`);
  // A network failure fetching the JWKS: not the caller's fault.
  return new ExchangeRefusal(
    502,
    'issuer-unavailable',
    `the keys of ${settings.issuer} could not be read (${(err as Error).message}); try again`,
  );
}

/**
 * Verifies the OIDC token of a workflow run and, when it is the run this app dispatched (its
 * repository, the workflow file on the default branch, event workflow_dispatch, triggered by the
 * app, still running, never exchanged before), returns an installation token for that repository
 * only. Anything else throws an `ExchangeRefusal` saying why.
 */
export async function exchangeToken(ctx: ExchangeContext, jwt: string): Promise<IssuedToken> {
  let payload: JWTPayload;
  try {
    payload = await ctx.verify(jwt);
  } catch (err) {
    throw verificationRefusal(err, ctx.settings);
  }
  const parsed = ActionsClaims.safeParse(payload);
  if (!parsed.success)
    throw new ExchangeRefusal(
      401,
      'invalid-claims',
      `the OIDC token lacks GitHub Actions' claims (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`,
    );
  const claims = parsed.data;
  const [owner = '', repo = ''] = claims.repository.split('/');
  const runId = Number(claims.run_id);
  const attempt = Number(claims.run_attempt);
  const forbid = (reason: string, message: string) => new ExchangeRefusal(403, reason, message);

  if (claims.event_name !== 'workflow_dispatch')
    throw forbid(
      'not-a-dispatch',
      `the run was started by a ${claims.event_name} event; only the workflow_dispatch the app sends gets a token`,
    );

  const installation = await fromGitHub(() => ctx.github.installation(owner, repo));
  if (!installation) throw forbid('not-installed', `the app is not installed on ${claims.repository}`);
  // Before reading the run: without `actions: read` GitHub would hide it, and the refusal would mislead.
  const granted = installation.permissions;
  const missing = Object.entries(EXECUTION_PERMISSIONS).filter(
    ([name, level]) => !covers(granted[name], level),
  );
  if (missing.length)
    throw forbid(
      'installation-permissions',
      `the app's installation on ${claims.repository} lacks ${missing.map(([n, l]) => `${n}: ${l}`).join(', ')}; ` +
        "accept the app's requested permissions in the installation settings",
    );
  const permissions: Record<string, string> = { ...EXECUTION_PERMISSIONS };
  for (const [name, level] of Object.entries(OPTIONAL_PERMISSIONS))
    if (covers(granted[name], level)) permissions[name] = level;

  const repository = await fromGitHub(() => ctx.github.repository(installation.id, owner, repo));
  if (String(repository.id) !== claims.repository_id)
    throw forbid(
      'wrong-repository',
      `the OIDC token is for repository id ${claims.repository_id}, but ${claims.repository} is ${repository.id}`,
    );

  const defaultRef = `refs/heads/${repository.defaultBranch}`;
  const workflowRef = `${repository.fullName}/.github/workflows/${ctx.workflow}@${defaultRef}`;
  for (const [claim, value] of [
    ['ref', claims.ref],
    ['workflow_ref', claims.workflow_ref],
    ['job_workflow_ref', claims.job_workflow_ref],
  ] as const) {
    const expected = claim === 'ref' ? defaultRef : workflowRef;
    if (value.toLowerCase() !== expected.toLowerCase())
      throw forbid(
        'wrong-workflow',
        `the run's ${claim} is ${value}; the app only gives tokens to ${workflowRef}, the workflow reviewed on the default branch`,
      );
  }

  const run = await fromGitHub(() => ctx.github.workflowRun(installation.id, owner, repo, runId));
  const bot = await fromGitHub(() => ctx.botLogin());
  if (
    !run ||
    run.event !== 'workflow_dispatch' ||
    run.path !== `.github/workflows/${ctx.workflow}` ||
    run.triggeringActor !== bot ||
    run.runAttempt !== attempt
  )
    throw forbid(
      'not-dispatched-by-app',
      `run ${runId} (attempt ${attempt}) of ${claims.repository} was not dispatched by ${bot}` +
        (run?.triggeringActor && run.triggeringActor !== bot ? ` (started by ${run.triggeringActor})` : ''),
    );
  if (run.status === 'completed')
    throw forbid('run-ended', `run ${runId} of ${claims.repository} has ended; its token would outlive it`);

  const fresh = await fromGitHub(() =>
    ctx.github.markExchanged(installation.id, owner, repo, exchangeMarkRef(runId, attempt), run.headSha),
  );
  if (!fresh)
    throw new ExchangeRefusal(
      409,
      'replayed',
      `run ${runId} (attempt ${attempt}) of ${claims.repository} already exchanged its token; each run gets one`,
    );
  const issued = await fromGitHub(() => ctx.github.createToken(installation.id, repository.id, permissions));
  await sweepEndedMarks(ctx.github, installation.id, owner, repo, runId);
  return {
    token: issued.token,
    expiresAt: issued.expiresAt,
    repository: repository.fullName,
    installationId: installation.id,
    runId,
    botLogin: bot,
    permissions: issued.permissions,
  };
}

/**
 * Deletes the marks of runs that have ended, so the refs do not pile up: an ended run is refused
 * anyway (`run-ended`), so its mark guards nothing. Housekeeping only, so a failure is ignored and
 * the next exchange tries again.
 */
async function sweepEndedMarks(
  github: ExchangeGitHub,
  installationId: number,
  owner: string,
  repo: string,
  current: number,
): Promise<void> {
  try {
    const others = (await github.exchangeMarks(installationId, owner, repo))
      .map((ref) => ({ ref, runId: Number(/^refs\/proceed\/tokens\/run-(\d+)-\d+$/.exec(ref)?.[1]) }))
      .filter((m) => Number.isSafeInteger(m.runId) && m.runId !== current)
      .slice(0, SWEEP_LIMIT);
    for (const mark of others) {
      const run = await github.workflowRun(installationId, owner, repo, mark.runId);
      if (!run || run.status === 'completed') await github.deleteRef(installationId, owner, repo, mark.ref);
    }
  } catch {
    // Left for the next exchange.
  }
}

function covers(granted: string | undefined, wanted: 'read' | 'write'): boolean {
  return granted === 'write' || granted === 'admin' || (wanted === 'read' && granted === 'read');
}

/** A GitHub call the exchange cannot do without: its failure is a 502 (try again), never the caller's fault. */
async function fromGitHub<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ExchangeRefusal) throw err;
    throw new ExchangeRefusal(
      502,
      'github-unavailable',
      `GitHub could not be asked about the run: ${(err as Error).message ?? String(err)}; try again`,
    );
  }
}
