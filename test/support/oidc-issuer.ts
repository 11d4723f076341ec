/**
 * GitHub Actions' OIDC provider, on loopback: a signing key made here, its JWKS at
 * `<url>/.well-known/jwks` (what the app verifies against), and the runner's token-request endpoint
 * (`ACTIONS_ID_TOKEN_REQUEST_URL` / `_TOKEN`) that `core.getIDToken(audience)` calls in a job.
 * Tokens carry the claims GitHub gives a job, for the run a test names.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** The run a job's token speaks for; defaults are those of the fake's octo-org/widgets on main. */
export interface JobClaims {
  repository?: string;
  repositoryId: number;
  runId: number;
  runAttempt?: number;
  /** Default refs/heads/main. */
  ref?: string;
  /** Default proceed.yml. */
  workflow?: string;
  /** Default workflow_dispatch. */
  event?: string;
  actor?: string;
}

export interface SignOptions {
  audience: string;
  /** Seconds from now until it expires (default 300; negative: already expired). */
  expiresIn?: number;
  /** Sign with a key the JWKS does not publish (same key id). */
  foreignKey?: boolean;
  issuer?: string;
}

export interface OidcIssuer {
  /** The issuer (`iss`), also the base of the JWKS. */
  url: string;
  /** GitHub's claims for a job of the run. */
  claims(job: JobClaims): Record<string, string>;
  sign(claims: Record<string, unknown>, options: SignOptions): Promise<string>;
  /** The variables a job with `id-token: write` gets, whose tokens carry `job`'s claims. */
  runnerEnv(job: JobClaims): Record<string, string>;
  /** How many tokens the runner endpoint handed out. */
  requested(): number;
  close(): Promise<void>;
}

const KEY_ID = 'proceed-test-key';

async function signingKey(): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' } };
}

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const key = await signingKey();
  const foreign = await signingKey();
  const jobs = new Map<string, JobClaims>();
  let requested = 0;
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const claims = (job: JobClaims): Record<string, string> => {
    const repository = job.repository ?? 'octo-org/widgets';
    const ref = job.ref ?? 'refs/heads/main';
    const workflowRef = `${repository}/.github/workflows/${job.workflow ?? 'proceed.yml'}@${ref}`;
    return {
      sub: `repo:${repository}:ref:${ref}`,
      repository,
      repository_id: String(job.repositoryId),
      repository_owner: repository.split('/')[0] ?? '',
      ref,
      ref_type: 'branch',
      sha: 'a'.repeat(40),
      event_name: job.event ?? 'workflow_dispatch',
      workflow: 'proceed',
      workflow_ref: workflowRef,
      job_workflow_ref: workflowRef,
      run_id: String(job.runId),
      run_number: '1',
      run_attempt: String(job.runAttempt ?? 1),
      actor: job.actor ?? 'proceed-test[bot]',
      runner_environment: 'github-hosted',
    };
  };
  const sign = (payload: Record<string, unknown>, o: SignOptions): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = o.expiresIn ?? 300;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
      .setIssuer(o.issuer ?? url)
      .setAudience(o.audience)
      .setJti(randomUUID())
      .setIssuedAt(lifetime < 0 ? now + lifetime - 60 : now)
      .setNotBefore(lifetime < 0 ? now + lifetime - 60 : now - 5)
      .setExpirationTime(now + lifetime)
      .sign(o.foreignKey ? foreign.privateKey : key.privateKey);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const at = new URL(req.url ?? '/', url);
    if (at.pathname === '/.well-known/jwks') return reply(200, { keys: [key.jwk] });
    const job = jobs.get(at.pathname.replace(/^\/runner-token\//, ''));
    if (!job || req.headers.authorization !== `Bearer ${at.pathname.split('/').at(-1)}`)
      return reply(401, { message: 'bad runtime token' });
    requested++;
    sign(claims(job), { audience: at.searchParams.get('audience') ?? 'https://github.com/octo-org' }).then(
      (value) => reply(200, { count: 1, value }),
      (err: unknown) => reply(500, { message: String(err) }),
    );
  });

  return {
    url,
    claims,
    sign,
    runnerEnv: (job) => {
      const id = randomUUID();
      jobs.set(id, job);
      return {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/runner-token/${id}?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: id,
      };
    },
    requested: () => requested,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
