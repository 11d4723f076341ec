/**
 * The app behind a real HTTP server on loopback, as GitHub reaches it: signed webhooks in, the
 * health route, refusals of unsigned and wrongly signed deliveries, and a flood of mixed deliveries.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sign } from '@octokit/webhooks-methods';
import { createNodeMiddleware, Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/index.js';
import { appOctokit } from '../../src/app/octokit.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { checkRunEvent, issueCommentEvent, pullRequestEvent } from '../support/payloads.js';
import { APP, BOT, WEBHOOK_SECRET, privateKey, scene, type Scene } from '../support/app.js';

interface Running {
  url: string;
  server: Server;
}

const servers: Running[] = [];
const scenes: Scene[] = [];
afterEach(async () => {
  for (const s of scenes.splice(0)) s.cleanup();
  for (const { server } of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** The app as Probot's server mounts it (its webhook middleware and the app's own routes), on 127.0.0.1. */
async function serve(s: Scene): Promise<Running> {
  const probot = new Probot({
    appId: APP.id,
    privateKey: privateKey(),
    secret: WEBHOOK_SECRET,
    baseUrl: s.fake.url,
    logLevel: 'fatal',
    Octokit: appOctokit({ throttle: { enabled: false } }),
  });
  const middleware = await createNodeMiddleware(createApp(s.config), { probot });
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const running = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  servers.push(running);
  return running;
}

const MB = 1024 * 1024;
/** Memory after a full garbage collection, so what is measured is what is kept. */
function settledMemory(): NodeJS.MemoryUsage {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage();
}

type Signature = 'signed' | 'wrong-secret' | 'unsigned';

async function post(
  app: Running,
  name: string,
  payload: unknown,
  signature: Signature = 'signed',
): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': name,
    'x-github-delivery': randomUUID(),
  };
  if (signature !== 'unsigned')
    headers['x-hub-signature-256'] = await sign(
      signature === 'signed' ? WEBHOOK_SECRET : 'not-the-secret',
      body,
    );
  const response = await fetch(`${app.url}/api/github/webhooks`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}

async function start(fake: Parameters<typeof scene>[0]): Promise<{ s: Scene; app: Running }> {
  const s = await scene(fake);
  scenes.push(s);
  return { s, app: await serve(s) };
}

function opened(s: Scene) {
  return pullRequestEvent('opened', { number: 7, user: 'alice', headSha: s.head, baseSha: s.remote.baseSha });
}

describe('the HTTP server', () => {
  const github = useFakeGitHub({ app: APP });

  it('answers GET /healthz with 200 ok without calling GitHub', async () => {
    const { s, app } = await start(github());
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(s.fake.requests).toEqual([]);
  });

  it('acts on a signed webhook', async () => {
    const { s, app } = await start(github());
    const response = await post(app, 'pull_request', opened(s));
    expect(response.status).toBe(200);
    expect(s.fake.reviews(7).filter((r) => r.user === BOT)).toHaveLength(1);
  });

  it('rejects an unsigned or wrongly signed webhook, and nothing runs', async () => {
    const { s, app } = await start(github());
    await post(app, 'pull_request', opened(s));
    const before = s.fake.requests.length;
    const c = s.fake.addComment(7, { user: 'bob', body: '/proceed' });
    const proceed = issueCommentEvent('created', {
      number: 7,
      user: 'bob',
      body: '/proceed',
      commentId: c.id,
      prAuthor: 'alice',
    });
    const unsigned = await post(app, 'issue_comment', proceed, 'unsigned');
    const forged = await post(app, 'issue_comment', proceed, 'wrong-secret');
    expect(unsigned.status).toBe(400);
    expect(forged.status).toBe(400);
    expect(forged.body).toMatch(/signature does not match/);
    expect(s.fake.requests.length).toBe(before);
    expect(s.fake.reactions(c.id)).toEqual([]);
    expect(s.log()).toEqual([]);
    expect(s.state()?.state).toBe('proposed');
  });

  it('takes floods of 1,000 mixed deliveries without an error response, and keeps no memory from one to the next', async () => {
    const { s, app } = await start(github());
    expect((await post(app, 'pull_request', opened(s))).status).toBe(200);
    const chatter = s.fake.addComment(7, { user: 'bob', body: 'Looks good to me.' });
    const help = s.fake.addComment(7, { user: 'carol', body: '/help' });
    const sync = pullRequestEvent('synchronize', {
      number: 7,
      user: 'alice',
      headSha: s.head,
      baseSha: s.remote.baseSha,
    });
    const deliveries: [string, unknown][] = [];
    for (let i = 0; i < 1_000; i++) {
      const kind = i % 20;
      if (kind === 0) deliveries.push(['pull_request', sync]);
      else if (kind === 1)
        deliveries.push([
          'issue_comment',
          issueCommentEvent('created', { number: 7, user: 'carol', body: '/help', commentId: help.id }),
        ]);
      else if (kind < 5)
        deliveries.push([
          'check_run',
          checkRunEvent('completed', { user: 'bob', headSha: s.head, conclusion: 'success' }),
        ]);
      else if (kind === 5) deliveries.push(['issue_comment', { action: 'created', malformed: true }]);
      else
        deliveries.push([
          'issue_comment',
          issueCommentEvent('created', {
            number: 7,
            user: 'bob',
            body: `Looks good to me (${i}).`,
            commentId: chatter.id,
          }),
        ]);
    }
    const flood = async (list: [string, unknown][]) => {
      const statuses: number[] = [];
      for (let i = 0; i < list.length; i += 25) {
        const batch = await Promise.all(
          list.slice(i, i + 25).map(([name, payload]) => post(app, name, payload)),
        );
        statuses.push(...batch.map((r) => r.status));
      }
      return statuses;
    };
    // A first flood warms up the JIT, the caches and the allocator; the second measures what stays.
    const warmUp = await flood(deliveries);
    const before = settledMemory();
    const statuses = [...warmUp, ...(await flood(deliveries))];
    const after = settledMemory();
    expect(after.heapUsed - before.heapUsed).toBeLessThan(20 * MB);
    expect(after.rss - before.rss).toBeLessThan(100 * MB);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // The /help was answered once, however often it was delivered; nothing failed along the way.
    expect(s.botComments()).toHaveLength(1);
    expect(s.botComments()[0]).toMatch(/\/proceed/);
    expect(s.fake.reactions(help.id)).toHaveLength(1);
    expect(s.fake.reviews(7).filter((r) => r.user === BOT)).toHaveLength(1);
    expect(s.log()).toEqual([]);
    // 2,000 deliveries through the app: on a loaded 2-core machine that takes longer than the default.
  }, 180_000);
});
