/**
 * `POST /proceed/token` on the app's own HTTP server: the body `{"token": "<OIDC JWT>"}` in, the
 * exchange's installation token or its refusal (4xx with a reason) out, each logged. Also the
 * exchange's GitHub operations over the Probot app's credentials.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Octokit as OctokitCore, type Octokit } from '@octokit/core';
import type { Probot } from 'probot';
import { httpStatus } from '../github/octokit.js';
import {
  ExchangeRefusal,
  TOKEN_EXCHANGE_PATH,
  type ExchangeGitHub,
  type IssuedToken,
  type RunFacts,
} from './token-exchange.js';

/** An OIDC token is about 1 KiB; anything much larger is not one. */
const MAX_BODY_BYTES = 64 * 1024;

export interface ExchangeLog {
  info: (line: string) => void;
  warn: (line: string) => void;
}

/** Probot's handler shape: true when it answered the request. */
export function tokenExchangeHandler(
  exchange: (jwt: string) => Promise<IssuedToken>,
  log: ExchangeLog,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.url?.split('?')[0] !== TOKEN_EXCHANGE_PATH) return false;
    const from = req.socket.remoteAddress ?? 'unknown address';
    try {
      if (req.method !== 'POST')
        throw new ExchangeRefusal(
          400,
          'method',
          `use POST ${TOKEN_EXCHANGE_PATH} with {"token": "<OIDC token>"}`,
        );
      const jwt = await readToken(req);
      const issued = await exchange(jwt);
      log.info(
        `proceed: gave run ${issued.runId} of ${issued.repository} an installation token for that repository, until ${issued.expiresAt}.`,
      );
      answer(res, 201, {
        token: issued.token,
        expires_at: issued.expiresAt,
        repository: issued.repository,
        bot_login: issued.botLogin,
        permissions: issued.permissions,
      });
    } catch (err) {
      const refusal =
        err instanceof ExchangeRefusal
          ? err
          : new ExchangeRefusal(
              502,
              'internal',
              `the exchange failed: ${(err as Error).message ?? String(err)}`,
            );
      log.warn(`proceed: refused a token exchange from ${from} (${refusal.reason}): ${refusal.message}.`);
      answer(res, refusal.status, {
        reason: refusal.reason,
        message: `proceed refused the token: ${refusal.message}.`,
      });
    }
    return true;
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

async function readToken(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new ExchangeRefusal(400, 'malformed', 'the request body is too large for a token');
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ExchangeRefusal(
      400,
      'malformed',
      'the request body is not JSON: send {"token": "<OIDC token>"}',
    );
  }
  const token = (body as { token?: unknown } | null)?.token;
  if (typeof token !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
    throw new ExchangeRefusal(
      400,
      'malformed',
      'the body has no "token" holding a JWT: send {"token": "<OIDC token>"}',
    );
  return token;
}

/** The exchange's GitHub operations: the app's JWT for installations and tokens, an installation token for the rest. */
export function probotExchangeGitHub(app: Probot): ExchangeGitHub {
  const asApp = async () => (await app.auth()) as unknown as Octokit;
  const asInstallation = async (id: number) => (await app.auth(id)) as unknown as Octokit;
  return {
    async installation(owner, repo) {
      try {
        const { data } = await (
          await asApp()
        ).request('GET /repos/{owner}/{repo}/installation', { owner, repo });
        return { id: data.id, permissions: { ...data.permissions } as Record<string, string | undefined> };
      } catch (err) {
        if (httpStatus(err) === 404) return undefined;
        throw err;
      }
    },
    async repository(installationId, owner, repo) {
      const { data } = await (
        await asInstallation(installationId)
      ).request('GET /repos/{owner}/{repo}', {
        owner,
        repo,
      });
      return { id: Number(data.id), fullName: data.full_name, defaultBranch: data.default_branch };
    },
    async workflowRun(installationId, owner, repo, runId): Promise<RunFacts | undefined> {
      try {
        const { data } = await (
          await asInstallation(installationId)
        ).request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner, repo, run_id: runId });
        return {
          id: Number(data.id),
          event: data.event,
          status: data.status ?? '',
          path: data.path,
          headBranch: data.head_branch,
          headSha: data.head_sha,
          runAttempt: data.run_attempt ?? 1,
          triggeringActor: (data.triggering_actor ?? data.actor)?.login,
        };
      } catch (err) {
        if (httpStatus(err) === 404) return undefined;
        throw err;
      }
    },
    async markExchanged(installationId, owner, repo, ref, sha) {
      try {
        await (
          await asInstallation(installationId)
        ).request('POST /repos/{owner}/{repo}/git/refs', {
          owner,
          repo,
          ref,
          sha,
        });
        return true;
      } catch (err) {
        // 422 is also GitHub's answer for an unknown SHA; only "already exists" means used.
        if (httpStatus(err) === 422 && /already exists/i.test((err as Error).message)) return false;
        throw err;
      }
    },
    async exchangeMarks(installationId, owner, repo) {
      const { data } = await (
        await asInstallation(installationId)
      ).request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
        owner,
        repo,
        ref: 'proceed/tokens/run-',
      });
      return data.map((r) => r.ref);
    },
    async deleteRef(installationId, owner, repo, ref) {
      await (
        await asInstallation(installationId)
      ).request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', {
        owner,
        repo,
        ref: ref.replace(/^refs\//, ''),
      });
    },
    async revokeToken(token) {
      // The token's own request: Probot's Octokit would authenticate as the app instead.
      const { baseUrl } = (await asApp()).request.endpoint.DEFAULTS;
      await new OctokitCore({ auth: token, baseUrl }).request('DELETE /installation/token');
    },
    async createToken(installationId, repositoryId, permissions) {
      const { data } = await (
        await asApp()
      ).request('POST /app/installations/{installation_id}/access_tokens', {
        installation_id: installationId,
        repository_ids: [repositoryId],
        permissions,
      });
      return {
        token: data.token,
        expiresAt: data.expires_at,
        permissions: { ...data.permissions } as Record<string, string>,
      };
    },
  };
}
