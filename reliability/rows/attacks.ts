/**
 * Attacks (issue 12): a collaborator with write access, or another workflow, tries to get a step run
 * or a gate passed without a second allowed person, or to stop or block someone else's execution.
 * Each kind is played end to end through the committed Action bundle against the OpenAPI-checked
 * fake GitHub and a real git server, and judged from what real processes did (the steps' trace) and
 * what GitHub holds afterwards (check runs, the bot's review). Every kind that succeeds is a bypass.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { stepExternalId } from '../../src/gate/view.js';
import { issueCommentEvent, pullRequestEvent } from '../../test/support/payloads.js';
import { count, firstOf, inPool, type Row, type RowContext, type RowResult } from '../row.js';
import { ACTION_TOKEN, runAction, startAction } from '../../test/support/suite-action.js';
import { RUNNER_CHANNELS } from '../../src/execute/step-env.js';
import { proceed as proceedCli } from '../../test/support/cli.js';
import { privateKey, WEBHOOK_SECRET } from '../../test/support/app.js';
import { freePort } from '../../test/support/free-port.js';
import { ActionScene, ACTION_BOT, PLAN_PATH } from '../../test/support/action-scene.js';
import { tracedPlan } from '../../test/support/traced-plans.js';
import { sleep, until } from '../../test/support/processes.js';

/** Step two waits on $HOLD_FLAG (at most a minute), so something can happen while it runs. */
const HOLD = 'touch "$HOLD_FLAG"; for i in $(seq 1 1200); do [ -e "$HOLD_FLAG" ] || break; sleep 0.05; done';

const EVIL_TOKEN = 'ghs_other_app_token';
const EVIL_APP = { id: 4242, slug: 'other-app', name: 'Other app', owner: 'mallory' };

export interface AttackOutcome {
  kind: string;
  /** What the attacker got that they should not have; empty when the attack failed. */
  bypass: string[];
  problems: string[];
}

export interface AttackOptions {
  /** The short form: the replay comes after 0 other commands instead of 21 (past the old window of 20 ids). */
  short: boolean;
}

export interface Attack {
  kind: string;
  /** Plays the attack on a fresh scene; returns what the attacker got (empty: nothing). */
  play(o: AttackOptions): Promise<AttackOutcome>;
}

const started = (s: ActionScene) =>
  s
    .trace()
    .filter((e) => e.kind === 'start')
    .map((e) => e.id);

async function inScene(
  kind: string,
  o: Parameters<typeof ActionScene.create>[0],
  act: (s: ActionScene) => Promise<string[]>,
): Promise<AttackOutcome> {
  const s = await ActionScene.create(o);
  try {
    const bypass = await act(s);
    return { kind, bypass, problems: s.violations() };
  } catch (err) {
    return { kind, bypass: [], problems: [`the scenario failed: ${(err as Error).message}`] };
  } finally {
    await s.dispose();
  }
}

/** A comment on pull request `number` of the scene (not necessarily the scene's own), and its workflow run. */
async function commentOn(
  s: ActionScene,
  number: number,
  user: string,
  body: string,
  env: Record<string, string> = {},
) {
  const c = s.fake.addComment(number, { user, body });
  const payload = issueCommentEvent('created', {
    number,
    user,
    body,
    commentId: c.id,
    prAuthor: s.author,
    ...(c.createdAt ? { createdAt: c.createdAt } : {}),
  });
  return {
    comment: c,
    exit: await runAction({ fake: s.fake, event: 'issue_comment', payload, env: s.env(env) }),
  };
}

/** A `pull_request` event of the scene's pull request whose sender is `sender`. */
function pushEvent(s: ActionScene, sender: string) {
  return runAction({
    fake: s.fake,
    event: 'pull_request',
    payload: pullRequestEvent('synchronize', {
      number: s.number,
      user: s.author,
      sender,
      headSha: s.head,
      baseSha: s.remote.baseSha,
    }),
    env: s.env(),
  });
}

/** A one-step plan whose step runs `script` (YAML-quoted), then fails nothing. */
const oneStep = (script: string) =>
  `version: 1\ntitle: One step\nsteps:\n  - id: one\n    name: The step\n    run: ${JSON.stringify(script)}\n    estimate: 1m\n`;

/** Whether a process runs (a zombie waiting for its parent to reap it has ended). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/** `npm start` (dist/server.js) in a folder of its own with `env`: its exit code (null: still serving after 60 s) and output. */
async function startAppBundle(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'proceed-rel-start-'));
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../dist/server.js')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  // 'close', not 'exit': 'exit' can come before the pipes are drained, and the message would be lost.
  const exited = new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)));
  // A hang guard, not a timing: an app that refuses to start exits at once.
  const code = await Promise.race([exited, sleep(60_000).then(() => null)]);
  if (code === null) child.kill('SIGKILL');
  rmSync(cwd, { recursive: true, force: true });
  return { code, output };
}

const twoSteps = (o: { checkpoint?: boolean; hold?: boolean } = {}) =>
  tracedPlan({
    steps: [
      { id: 'one' },
      { id: 'two', checkpoint: o.checkpoint ?? false, ...(o.hold ? { body: HOLD } : {}) },
    ],
  });

export const ATTACKS: Attack[] = [
  {
    kind: 'two pull requests, one head',
    play: () =>
      inScene(
        'two pull requests, one head',
        { plan: twoSteps(), policy: 'approvers:\n  users: [carol]\n' },
        async (s) => {
          // #8: the same head, into a branch of the author's own whose policy lets authors approve.
          const ownBase = 'e'.repeat(40);
          s.fake.addPullRequest({
            number: 8,
            user: s.author,
            headSha: s.head,
            baseSha: ownBase,
            baseRef: 'alice-own',
            headRef: 'feature-shared',
            files: [{ filename: PLAN_PATH, content: twoSteps() }],
          });
          s.fake.setFile(ownBase, '.github/proceed.yml', 'self_approval: true\n');
          await s.pullRequest('opened');
          await runAction({
            fake: s.fake,
            event: 'pull_request',
            payload: pullRequestEvent('opened', {
              number: 8,
              user: s.author,
              headSha: s.head,
              baseSha: ownBase,
            }),
            env: s.env(),
          });
          // A second after the render, as a person reads before commenting (GitHub's times have whole seconds).
          await sleep(1_100);
          await commentOn(s, 8, s.author, '/proceed');
          const answer = s.fake.comments(8).at(-1)?.body ?? '';
          if (!started(s).length && !/also the head of #7/.test(answer))
            throw new Error(`#8's /proceed was refused for another reason: ${answer.slice(0, 300)}`);
          const bypass = started(s).map((id) => `step ${id} ran on the approval of #8's author`);
          const gate = s.checks('proceed/verify').at(-1);
          if (gate?.conclusion === 'success') bypass.push('proceed/verify passed on the head #7 shares');
          return bypass;
        },
      ),
  },
  {
    kind: 'a pull request opened on a verified head',
    play: () =>
      inScene(
        'a pull request opened on a verified head',
        { plan: twoSteps(), policy: 'approvers:\n  users: [carol]\n', writers: ['bob', 'carol'] },
        async (s) => {
          await s.pullRequest('opened');
          await s.comment('carol', '/proceed');
          if (s.checks('proceed/verify').at(-1)?.conclusion !== 'success')
            throw new Error('carol could not verify #7');
          // Afterwards, #9 on the same head into a branch whose policy lets its author approve.
          const ownBase = 'f'.repeat(40);
          s.fake.addPullRequest({
            number: 9,
            user: s.author,
            headSha: s.head,
            baseSha: ownBase,
            baseRef: 'alice-own',
            headRef: 'feature-late',
            files: [{ filename: PLAN_PATH, content: twoSteps() }],
          });
          s.fake.setFile(ownBase, '.github/proceed.yml', 'self_approval: true\n');
          await runAction({
            fake: s.fake,
            event: 'pull_request',
            payload: pullRequestEvent('opened', {
              number: 9,
              user: s.author,
              headSha: s.head,
              baseSha: ownBase,
            }),
            env: s.env(),
          });
          const bypass: string[] = [];
          if (s.checks('proceed/verify').at(-1)?.conclusion === 'success')
            bypass.push('#9 is mergeable on the success earned by #7');
          const review = s.fake.reviews(9).find((r) => r.user === ACTION_BOT)?.body ?? '';
          if (!review.includes('was verified for another pull request'))
            bypass.push("#9's review does not say why it waits");
          return bypass;
        },
      ),
  },
  {
    kind: 'foreign check runs',
    play: () =>
      inScene(
        'foreign check runs',
        {
          plan: twoSteps(),
          fake: { tokens: { [EVIL_TOKEN]: { login: `${EVIL_APP.slug}[bot]`, type: 'Bot', app: EVIL_APP } } },
        },
        async (s) => {
          await s.pullRequest('opened');
          const planHash = s.state()?.planHash ?? '';
          // Another app claims step one succeeded on this commit and plan, so a resume would skip it.
          const res = await fetch(`${s.fake.url}/repos/octo-org/widgets/check-runs`, {
            method: 'POST',
            headers: {
              authorization: `token ${EVIL_TOKEN}`,
              'content-type': 'application/json',
              accept: 'application/vnd.github+json',
            },
            body: JSON.stringify({
              name: 'proceed/one',
              head_sha: s.head,
              status: 'completed',
              conclusion: 'success',
              external_id: stepExternalId(planHash, 'one'),
              output: { title: 'Done', summary: 'forged' },
            }),
          });
          if (res.status !== 201) throw new Error(`the forged check run was not created (${res.status})`);
          await s.comment('bob', '/proceed');
          return started(s).includes('one') ? [] : ['step one was skipped for another app’s check run'];
        },
      ),
  },
  {
    kind: 'replayed command',
    play: (o) =>
      inScene('replayed command', { plan: twoSteps({ checkpoint: true }), writers: ['bob'] }, async (s) => {
        await s.pullRequest('opened');
        const first = s.fake.addComment(s.number, { user: 'bob', body: '/proceed' });
        await s.deliverComment(first, 'bob', '/proceed');
        await s.comment('bob', '/cancel');
        // More handled commands than the old window of 20 remembered ids.
        for (let i = 0; i < (o.short ? 0 : 21); i++) await s.comment('bob', '/cancel');
        // The author re-runs the workflow run of bob's first /proceed: the original payload again.
        await runAction({
          fake: s.fake,
          event: 'issue_comment',
          payload: s.commentPayload(first, 'bob', '/proceed'),
          env: s.env({ GITHUB_RUN_ATTEMPT: '2', GITHUB_TRIGGERING_ACTOR: s.author }),
        });
        return started(s).includes('two') ? ['a replayed /proceed resumed the plan bob had cancelled'] : [];
      }),
  },
  {
    kind: 'self-approval by a pusher',
    play: () =>
      inScene('self-approval by a pusher', { plan: twoSteps(), writers: ['bob'] }, async (s) => {
        await s.pullRequest('opened');
        // bob pushes onto alice's pull request, first only as the pusher (GitHub records no login of
        // his on the commit), then as the commit's author.
        s.push({ 'scripts/one.sh': 'echo bob\n' });
        await pushEvent(s, 'bob');
        await s.comment('bob', '/proceed');
        const authored = s.push({ 'scripts/two.sh': 'echo bob again\n' });
        s.fake.setCommitLogins(authored, { author: 'bob', committer: 'bob' });
        await pushEvent(s, 'bob');
        await s.comment('bob', `/proceed`);
        return started(s).map((id) => `step ${id} ran on the approval of the one who pushed it`);
      }),
  },
  {
    kind: 'planted lock',
    play: () =>
      inScene('planted lock', { plan: twoSteps() }, async (s) => {
        await s.pullRequest('opened');
        // A lock ref made by hand, on a commit whose message is no lock of proceed's.
        const planted = 'd'.repeat(40);
        s.fake.addCommit(planted, [s.head]);
        s.fake.setRef(`refs/proceed/locks/pr-${s.number}`, planted);
        await s.comment('bob', '/proceed');
        const ran = started(s);
        return ran.includes('one') && ran.includes('two')
          ? []
          : ['a planted lock blocked an allowed /proceed'];
      }),
  },
  {
    kind: 'silent change under bind_approval_to: plan',
    play: () =>
      inScene(
        'silent change under bind_approval_to: plan',
        { plan: twoSteps({ checkpoint: true }), policy: 'bind_approval_to: plan\n' },
        async (s) => {
          await s.pullRequest('opened');
          await s.comment('bob', '/proceed');
          const approved = s.state()?.approval?.headSha;
          s.push({ 'scripts/migrate.sh': 'echo changed\n' });
          await s.pullRequest('synchronize');
          const bypass: string[] = [];
          const body = s.fake.reviews(s.number).find((r) => r.user === ACTION_BOT)?.body ?? '';
          if (!body.includes('scripts/migrate.sh'))
            bypass.push('the review does not name the file changed since the approval');
          if (s.state()?.approval?.headSha !== approved)
            bypass.push('the record names a commit nobody approved');
          return bypass;
        },
      ),
  },
  {
    kind: 'invisible command',
    play: () =>
      inScene('invisible command', { plan: twoSteps() }, async (s) => {
        await s.pullRequest('opened');
        // A link reference definition renders as nothing; its destination is the "command".
        await s.comment('bob', 'Looks fine to me.\n\n[ok]:\n/proceed');
        await s.comment('bob', 'Noted.\n\n<a title="\n/proceed\n">thanks</a>');
        return started(s).map((id) => `step ${id} ran on a command nobody could see`);
      }),
  },
  {
    kind: '/proceed <sha> after the head moved',
    play: () =>
      inScene('/proceed <sha> after the head moved', { plan: twoSteps() }, async (s) => {
        await s.pullRequest('opened');
        const read = s.head;
        s.push({ 'scripts/other.sh': 'echo pushed meanwhile\n' });
        await s.pullRequest('synchronize');
        await sleep(1_100);
        await s.comment('bob', `/proceed ${read.slice(0, 7)}`);
        return started(s).map(
          (id) => `step ${id} ran on a /proceed naming ${read.slice(0, 7)}, not the head`,
        );
      }),
  },
  {
    kind: 'forged cancel request',
    play: () =>
      inScene(
        'forged cancel request',
        { plan: twoSteps({ hold: true }), writers: ['bob', 'carol'] },
        async (s) => {
          await s.pullRequest('opened');
          const run = startAction({
            fake: s.fake,
            event: 'issue_comment',
            payload: s.commentPayload(
              s.fake.addComment(s.number, { user: 'bob', body: '/proceed' }),
              'bob',
              '/proceed',
            ),
            env: s.env(),
          });
          await until(() => started(s).includes('two'), 30_000, 'step two');
          // Any workflow posts as github-actions[bot]: one names real maintainers as the cancellers
          // (carol may cancel, and so may bob, who approved), although neither asked.
          for (const by of ['carol', 'bob'])
            s.fake.addComment(s.number, {
              user: ACTION_BOT,
              body: `### ⊘ Cancel requested\n\n\`${by}\` pressed **Cancel**.\n\n<!-- proceed:cancel-request by=${by} -->`,
            });
          await sleep(600);
          s.releaseHold();
          await run.exit;
          return s.state()?.state === 'verified'
            ? []
            : [`a forged cancel request stopped bob's execution (${s.state()?.state})`];
        },
      ),
  },
  {
    kind: "a comment drops another's queued command",
    async play() {
      const kind = "a comment drops another's queued command";
      // GitHub keeps one pending run per concurrency group and replaces it with a newer one: the
      // README's workflow must give two people's comments on one pull request different groups.
      const group = readmeConcurrencyGroup();
      if (!group) return { kind, bypass: [], problems: ["the README's workflow was not found"] };
      const a = evaluateGroup(group, { number: 7, login: 'bob' });
      const b = evaluateGroup(group, { number: 7, login: 'mallory' });
      return {
        kind,
        bypass: a === b ? [`bob's and mallory's comments share the group "${a}"`] : [],
        problems: [],
      };
    },
  },
  {
    kind: 'what reaches a step',
    play: () =>
      inScene(
        'what reaches a step',
        {
          plan: oneStep(
            'env > "$DUMP"; for f in "$GITHUB_OUTPUT" "$GITHUB_ENV" "$GITHUB_STATE"; do [ -n "$f" ] && echo state=verified >> "$f"; done; true',
          ),
        },
        async (s) => {
          await s.pullRequest('opened');
          const dump = join(s.root, 'env.dump');
          const runner = {
            DUMP: dump,
            ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
            ACTIONS_RUNTIME_URL: 'http://127.0.0.1:9/runtime/',
            ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache/',
            ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results/',
            GITHUB_ENV: join(s.root, 'github-env'),
            GITHUB_PATH: join(s.root, 'github-path'),
            GITHUB_STATE: join(s.root, 'github-state'),
          };
          const exit = await s.comment('bob', '/proceed', runner);
          if (!existsSync(dump)) throw new Error(`the step did not run (${exit.stdout.slice(-300)})`);
          const names = readFileSync(dump, 'utf8')
            .split('\n')
            .map((line) => line.split('=')[0] ?? '');
          const bypass = [
            ...RUNNER_CHANNELS.filter((n) => names.includes(n)).map((n) => `${n} reached the step`),
            ...names.filter((n) => n.startsWith('INPUT_')).map((n) => `${n} reached the step`),
          ];
          for (const file of [runner.GITHUB_ENV, runner.GITHUB_PATH, runner.GITHUB_STATE])
            if (existsSync(file)) bypass.push(`the step wrote ${file}`);
          if (exit.outputs.state !== s.state()?.state)
            bypass.push(
              `the Action's state output says ${exit.outputs.state}, its review ${s.state()?.state}`,
            );
          return bypass;
        },
      ),
  },
  {
    kind: 'secrets printed encoded',
    play: () =>
      inScene(
        'secrets printed encoded',
        {
          plan: oneStep(
            [
              // The Action's token, dug out of its parent's environment, printed as it is and encoded.
              `t=$(tr '\\0' '\\n' < /proc/$PPID/environ | grep -a '^INPUT_GITHUB-TOKEN=' | cut -d= -f2-)`,
              'echo "raw $t"',
              'echo "b64 $(printf %s "$t" | base64 -w0)"',
              'echo "AUTHORIZATION: basic $(printf x-access-token:%s "$t" | base64 -w0)"',
              'echo "b64-secret $(printf %s "$DEPLOY_SECRET" | base64 -w0)"',
              'echo "hex $(printf %s "$t" | od -An -tx1 | tr -d " \\n")"',
            ].join('\n'),
          ),
        },
        async (s) => {
          await s.pullRequest('opened');
          const secret = 'deploy-secret-value-4f9c';
          await s.comment('bob', '/proceed', { DEPLOY_SECRET: secret });
          const text = s.checks('proceed/one').at(-1)?.output.text ?? '';
          if (!/raw \*\*\*/.test(text))
            throw new Error(`the step's output was not posted: ${text.slice(0, 300)}`);
          const posted = JSON.stringify([
            s.fake.checkRuns(),
            s.fake.comments(s.number),
            s.fake.reviews(s.number),
          ]);
          const forms: [string, string][] = [
            ['the token', ACTION_TOKEN],
            ['its base64', Buffer.from(ACTION_TOKEN).toString('base64')],
            ["git's basic header of it", Buffer.from(`x-access-token:${ACTION_TOKEN}`).toString('base64')],
            ["the deploy secret's base64", Buffer.from(secret).toString('base64')],
            ['its hex', Buffer.from(ACTION_TOKEN).toString('hex')],
          ];
          return forms.filter(([, v]) => posted.includes(v)).map(([what]) => `${what} was posted in clear`);
        },
      ),
  },
  {
    kind: 'app started without its secrets',
    async play() {
      const kind = 'app started without its secrets';
      const base = { APP_ID: '1', PRIVATE_KEY: privateKey(), WEBHOOK_SECRET };
      const cases: [string, Record<string, string>, RegExp][] = [
        ['no WEBHOOK_SECRET', { WEBHOOK_SECRET: '' }, /WEBHOOK_SECRET is not set/],
        [
          'a PRIVATE_KEY that is no key',
          { PRIVATE_KEY: 'garbage' },
          /PRIVATE_KEY does not hold a PEM private key/,
        ],
        [
          'an unreadable PRIVATE_KEY_PATH',
          { PRIVATE_KEY: '', PRIVATE_KEY_PATH: 'nowhere/app.pem' },
          /PRIVATE_KEY_PATH is "nowhere\/app.pem", which cannot be read/,
        ],
        [
          'no credentials under production (no setup mode)',
          { APP_ID: '', PRIVATE_KEY: '', WEBHOOK_SECRET: '', NODE_ENV: 'production' },
          /NODE_ENV is production/,
        ],
      ];
      const bypass: string[] = [];
      const problems: string[] = [];
      for (const [what, override, message] of cases) {
        const { code, output } = await startAppBundle({
          ...base,
          PORT: String(await freePort()),
          ...override,
        });
        if (code !== 1)
          bypass.push(`with ${what} the app ${code === null ? 'kept serving' : `exited ${code}`}`);
        else if (!message.test(output))
          problems.push(`with ${what} the app did not say what to set: ${output.slice(0, 200)}`);
      }
      return { kind, bypass, problems };
    },
  },
  {
    kind: 'paths and processes',
    play: () => {
      const pids = join(mkdtempSync(join(tmpdir(), 'proceed-rel-pids-')), 'pids');
      const script = [
        `nohup sleep 600 >/dev/null 2>&1 & echo $! >> "${pids}"`,
        `setsid sleep 600 >/dev/null 2>&1 & echo $! >> "${pids}"`,
        `(setsid sh -c 'sleep 600 & echo $! >> "${pids}"' &) ; sleep 0.2`,
      ].join('\n');
      return inScene('paths and processes', { plan: oneStep(script) }, async (s) => {
        const bypass: string[] = [];
        // A working directory escaping the checkout, in a step and in a rollback: `proceed validate` refuses both.
        const dir = mkdtempSync(join(tmpdir(), 'proceed-rel-wd-'));
        try {
          const file = join(dir, 'escape.plan.yml');
          writeFileSync(
            file,
            'version: 1\ntitle: Escape\nsteps:\n  - id: one\n    name: One\n    run: cat passwd\n    working-directory: ../../etc\n' +
              '    rollback:\n      run: cat shadow\n      working-directory: ../../etc\n    estimate: 1m\n',
          );
          const validated = await proceedCli(['validate', 'escape.plan.yml'], dir);
          const output = validated.stdout + validated.stderr;
          const located = output.match(/escape\.plan\.yml:\d+:\d+/g) ?? [];
          if (validated.code === 0) bypass.push('proceed validate accepted working-directory: ../../etc');
          else if (located.length < 2)
            bypass.push(
              `proceed validate did not point at both escapes with FILE:LINE:COL: ${output.slice(0, 300)}`,
            );
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        // Processes a step leaves behind with nohup, setsid and a double fork are gone when the execution ends.
        await s.pullRequest('opened');
        await s.comment('bob', '/proceed');
        const left = existsSync(pids)
          ? readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number)
          : [];
        if (left.length < 3) throw new Error(`the step did not start its three processes (${left.length})`);
        for (const pid of left.filter(alive)) {
          bypass.push(`process ${pid} outlived the execution`);
          process.kill(pid, 'SIGKILL');
        }
        rmSync(join(pids, '..'), { recursive: true, force: true });
        return bypass;
      });
    },
  },
];

/** The `concurrency.group` of the workflow the README tells users to copy. */
export function readmeConcurrencyGroup(): string | undefined {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  for (const block of readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
    const text = block[1] ?? '';
    if (!text.includes('issue_comment') || !text.includes('uses:')) continue;
    const doc = parseYaml(text) as {
      concurrency?: { group?: string } | string;
      jobs?: Record<string, { concurrency?: { group?: string } | string }>;
    };
    const job = Object.values(doc.jobs ?? {})[0];
    const c = job?.concurrency ?? doc.concurrency;
    return typeof c === 'string' ? c : (c?.group ?? '');
  }
  return undefined;
}

/** The group an `issue_comment` event by `login` on pull request `number` gets: `${{ a || b }}` over the event. */
export function evaluateGroup(group: string, o: { number: number; login: string }): string {
  const context: Record<string, unknown> = {
    github: {
      event_name: 'issue_comment',
      actor: o.login,
      triggering_actor: o.login,
      event: {
        issue: { number: o.number },
        comment: { user: { login: o.login } },
        sender: { login: o.login },
      },
    },
  };
  return group.replace(/\$\{\{([^}]*)\}\}/g, (_m, expr: string) => {
    for (const alternative of expr.split('||')) {
      const value = alternative
        .trim()
        .split('.')
        .reduce<unknown>(
          (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
          context,
        );
      if (value !== undefined && value !== null && value !== '') return String(value);
    }
    return '';
  });
}

export const attacks: Row = {
  name: 'attacks',
  bar: '0 bypasses',
  how:
    'The Action bundle against the fake GitHub and a real git server; one fresh pull request per attack of issue 12: two pull ' +
    "requests on one head (the author's `/proceed` under a lax policy of their own base); another app's `proceed/<step>` success " +
    "before a resume; a re-run of an approver's old `/proceed` after his `/cancel` and 21 other commands (none in the short " +
    "form); a collaborator's " +
    '`/proceed` on commits they authored or pushed; a lock ref planted by hand; a change of another file under ' +
    '`bind_approval_to: plan`; commands GitHub shows no line of; `/proceed <sha>` after the head moved; a cancel request in a ' +
    "`github-actions[bot]` comment naming real maintainers who did not ask; whether the README's workflow lets one person's comment " +
    "replace another's queued run; what reaches a step (the runner's channels, `INPUT_*`, forged outputs); a step printing the " +
    "token and a secret encoded (base64, git's basic header, hex); the app started without a webhook secret or with a bad key; " +
    'and `working-directory: ../../etc` in a step and a rollback under `proceed validate`, then `nohup`/`setsid`/double-forked ' +
    'processes left by a step. A bypass is whatever the attacker got: a step that ran, a gate that passed, a review that ' +
    'kept silent, an execution stopped or blocked.',
  async run(ctx: RowContext): Promise<RowResult> {
    const outcomes = await inPool(ATTACKS, 3, (a) => {
      ctx.progress(`attacks: ${a.kind}`);
      return a.play({ short: ctx.short });
    });
    const bypassed = outcomes.filter((o) => o.bypass.length);
    const broken = outcomes.filter((o) => o.problems.length);
    return {
      row: this.name,
      figure: `${count(bypassed.length)} bypasses in ${count(outcomes.length)} attack kinds: ${outcomes.map((o) => o.kind).join('; ')}`,
      bar: this.bar,
      ok: bypassed.length === 0 && broken.length === 0,
      detail: firstOf(
        [
          ...bypassed.map((o) => `${o.kind}: ${o.bypass.join('; ')}`),
          ...broken.map((o) => `${o.kind}: ${o.problems.join('; ')}`),
        ],
        10,
      ),
    };
  },
};
