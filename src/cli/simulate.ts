import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { DEFAULT_PLAN_GLOBS, discoverPlan } from '../gate/discover.js';
import type { GateEvent, Sender } from '../gate/events.js';
import { handleEvent, type GateResult } from '../gate/handle.js';
import { decodeState } from '../gate/marker.js';
import { POLICY_FILE, policySchema } from '../gate/policy.js';
import type { GateEnv } from '../gate/view.js';
import {
  MemoryGitHub,
  type MemoryCheckRun,
  type MemoryWrite,
  type ReactionContent,
} from '../github/memory.js';
import { formatDiagnostic } from '../plan/diagnostics.js';
import { loadPlanFile } from '../plan/load.js';
import { parseYamlWithSchema } from '../plan/parse.js';
import type { Permission } from '../gate/authorize.js';
import type { Terminal } from './terminal.js';

export interface SimulateOptions {
  /** The directory the steps run in, standing for the checkout of the pull request (default: the current one). */
  cwd?: string;
  /** One line per post instead of the posts' Markdown. */
  quiet?: boolean;
}

const AUTHOR = 'author';
const REVIEWER = 'reviewer';
const BOT = 'proceed[bot]';
const PR_NUMBER = 1;
/** Long enough that the running execution never polls for /cancel: nobody else comments in a simulation. */
const POLL_MS = 60 * 60 * 1000;

const REACTION: Record<ReactionContent, string> = { eyes: '👀', '+1': '👍', confused: '😕' };
const RULE = '─'.repeat(72);
/** The hidden state marker the bot ends its review with; shown shortened. */
const MARKER = /<!-- proceed:state [A-Za-z0-9+/=]+ -->\s*$/;

/**
 * `proceed simulate FILE`: the whole pull-request flow, offline. The gate itself (`handleEvent`) runs
 * against GitHub in memory: a pull request by `author` adds the plan, `reviewer` (allowed by the
 * repository's policy) comments `/proceed`, and again at every checkpoint. The steps really run, in
 * `cwd`, as `proceed run` runs them. Every review, check run, comment and reaction the bot posts is
 * printed as it is posted. Exit 0 when the plan ends verified, 1 otherwise.
 */
export async function simulate(file: string, term: Terminal, opts: SimulateOptions = {}): Promise<number> {
  const loaded = await loadPlanFile(file);
  if (!loaded.ok) {
    for (const d of [...loaded.errors, ...loaded.warnings]) term.out(formatDiagnostic(d));
    return 1;
  }
  const dir = resolve(opts.cwd ?? process.cwd());
  const inRepo = relative(dir, resolve(file));
  if (inRepo.startsWith('..') || isAbsolute(inRepo)) {
    term.error(
      `proceed: ${file} is outside ${dir}, the directory the steps run in (the checkout of the pull request). ` +
        'Run simulate from the repository that holds the plan, or pass --cwd DIR.',
    );
    return 1;
  }
  const planPath = inRepo.split(sep).join('/');
  if (discoverPlan([{ filename: planPath, status: 'added', sha: '-' }], DEFAULT_PLAN_GLOBS).kind !== 'one') {
    term.error(
      `proceed: the bot looks for plans matching ${DEFAULT_PLAN_GLOBS.join(', ')}, so it would not find ${planPath} ` +
        'in a pull request. Rename it to end in .plan.yml.',
    );
    return 1;
  }

  // The repository's own policy, as the bot reads it from the base branch.
  const policyText = await readFile(resolve(dir, POLICY_FILE), 'utf8').catch(() => undefined);
  const reviewer = reviewerFor(policyText);
  const print = new Transcript(term, !!opts.quiet);
  const github = new MemoryGitHub({
    owner: 'local',
    repo: basename(dir) || 'repository',
    botLogin: BOT,
    baseFiles: policyText === undefined ? {} : { [POLICY_FILE]: policyText },
    pullRequest: {
      number: PR_NUMBER,
      title: loaded.plan.title,
      author: AUTHOR,
      files: { [planPath]: loaded.source },
      headRef: 'plan',
      baseRef: 'main',
    },
    permissions: { [AUTHOR]: 'write', [reviewer.login]: reviewer.permission },
    teams: Object.fromEntries(reviewer.teams.map((team) => [team, [reviewer.login]])),
    onWrite: (write) => print.write(write),
  });
  print.github = github;
  const { headSha } = github.pullRequest;
  const env: GateEnv = {
    port: github,
    botLogin: BOT,
    planGlobs: DEFAULT_PLAN_GLOBS,
    policyPath: POLICY_FILE,
    log: (line) => term.out(`  (bot log) ${line}`),
    runner: {
      workspace: async () => ({ ok: true, dir }),
      holder: { kind: 'app', id: `proceed-simulate-${process.pid}` },
      env: process.env,
      secrets: [],
      pollMs: POLL_MS,
    },
  };

  term.out(`proceed simulate: the pull-request flow for ${planPath}, offline (nothing is sent to GitHub)`);
  term.out(`  pull request  #${PR_NUMBER} by @${AUTHOR}, adding ${planPath}; head ${short(headSha)}`);
  term.out(
    `  reviewer      @${reviewer.login}, with ${reviewer.permission} permission${reviewer.teams.length ? ` and in ${reviewer.teams.join(', ')}` : ''}`,
  );
  term.out(
    `  policy        ${policyText === undefined ? `none (no ${POLICY_FILE}): the defaults` : `${POLICY_FILE} from ${dir}`}`,
  );
  term.out(`  steps run in  ${dir}`);

  const author: Sender = { login: AUTHOR, type: 'User' };
  let result = await print.event(`@${AUTHOR} opens pull request #${PR_NUMBER} (pull_request opened)`, () =>
    handleEvent(env, { kind: 'pull_request', action: 'opened', number: PR_NUMBER, sender: author }),
  );
  if (result.state === 'proposed') {
    result = await proceed(env, github, print, reviewer.login);
    // Each checkpoint waits for a /proceed; a plan has at most as many checkpoints as steps.
    for (let round = 0; result.state === 'paused' && round < loaded.plan.steps.length; round++) {
      term.out('');
      term.out(`— the reviewer comments /proceed to confirm the checkpoint —`);
      result = await proceed(env, github, print, reviewer.login);
    }
  }
  print.end(result);
  return result.state === 'verified' ? 0 : 1;
}

async function proceed(
  env: GateEnv,
  github: MemoryGitHub,
  print: Transcript,
  login: string,
): Promise<GateResult> {
  const comment = github.addComment(login, '/proceed');
  const event: GateEvent = {
    kind: 'comment',
    number: PR_NUMBER,
    commentId: comment.id,
    body: comment.body,
    sender: { login, type: 'User' },
  };
  return print.event(`@${login} comments "/proceed" (issue_comment created)`, () => handleEvent(env, event));
}

/**
 * Who confirms: someone the policy allows, so the simulation shows the flow rather than a refusal —
 * the first login the policy lists (other than the author), with its minimum permission and in its teams.
 */
function reviewerFor(policyText: string | undefined): {
  login: string;
  permission: Permission;
  teams: string[];
} {
  const fallback = { login: REVIEWER, permission: 'write' as Permission, teams: [] };
  if (policyText === undefined) return fallback;
  const parsed = parseYamlWithSchema(policyText, POLICY_FILE, policySchema);
  // An invalid policy is the bot's to report: it posts the errors and refuses to run anything.
  if (!parsed.ok) return fallback;
  const { approvers } = parsed.value;
  const listed = approvers.users.find((u) => u.toLowerCase() !== AUTHOR);
  return { login: listed ?? REVIEWER, permission: approvers.permission, teams: approvers.teams };
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

/** Prints what the bot posts, as it posts it. */
class Transcript {
  github: MemoryGitHub | undefined;
  private section = 0;

  constructor(
    private readonly term: Terminal,
    private readonly quiet: boolean,
  ) {}

  async event(title: string, run: () => Promise<GateResult>): Promise<GateResult> {
    this.section++;
    this.term.out('');
    this.term.out(`═══ ${this.section}. ${title} ═══`);
    this.term.out('');
    const result = await run();
    this.term.out(
      `→ ${result.state === 'none' ? 'no plan state' : `state: ${result.state}`} — ${result.summary}`,
    );
    return result;
  }

  write(w: MemoryWrite): void {
    switch (w.kind) {
      case 'review':
        this.body(`review posted (event COMMENT on ${short(w.commitId ?? '')})${stateOf(w.body)}`, w.body);
        return;
      case 'review-edit':
        // The review is edited many times while steps run; its full text is shown once, at the end.
        this.line(`review edited${stateOf(w.body)}`);
        return;
      case 'comment':
        this.body('comment posted', w.body);
        return;
      case 'reaction': {
        const on = this.github?.comments().find((c) => c.id === w.commentId);
        this.line(
          `reaction ${REACTION[w.content]} on ${on?.user ? `@${on.user.login}'s` : 'the'} comment ${JSON.stringify(on?.body.split('\n')[0] ?? '')}`,
        );
        return;
      }
      case 'check-run':
      case 'check-run-update':
        this.check(w);
        return;
      case 'ref':
        if (w.ref.includes('/proceed/locks/'))
          this.line(`${w.action === 'delete' ? 'lock released' : 'lock taken'}: ${w.ref}`);
        return;
      case 'commit':
        // The lock's commit; the ref that points at it is what matters.
        return;
    }
  }

  end(result: GateResult): void {
    const review = this.github?.reviews().find((r) => r.user?.login === BOT);
    this.term.out('');
    if (review && !this.quiet) {
      this.term.out(`═══ The review at the end${stateOf(review.body)} ═══`);
      this.term.out('');
      this.term.out(shortenMarker(review.body));
      this.term.out('');
    }
    const gate = this.github
      ?.checkRuns()
      .filter((c) => c.name === 'proceed/verify')
      .at(-1);
    const verdict =
      result.state === 'verified'
        ? 'verified: every step and every verification passed'
        : result.state === 'failed' || result.state === 'verify-failed'
          ? `${result.state}${result.nextStep ? ` at step ${result.nextStep}` : ''}; the bot now waits for /retry or /cancel, and the simulation ends here`
          : result.state === 'paused'
            ? 'still paused at a checkpoint'
            : result.state === 'none'
              ? 'nothing to execute'
              : `${result.state}, not verified`;
    this.term.out(`Result: ${verdict}.`);
    if (gate) this.term.out(`proceed/verify (the check branch protection requires): ${checkState(gate)}.`);
  }

  private line(text: string): void {
    this.term.out(`▸ ${text}`);
  }

  /** A review or comment: its Markdown between rules, exactly as posted (the state marker shortened). */
  private body(head: string, markdown: string): void {
    if (this.quiet) {
      const first = markdown.split('\n').find((l) => l.trim()) ?? '';
      this.line(`${head}: ${first.trim()}`);
      return;
    }
    this.line(head);
    this.term.out(RULE);
    this.term.out(shortenMarker(markdown));
    this.term.out(RULE);
  }

  /**
   * A check run: name, status or conclusion, and title; then its summary, the log's tail and the
   * annotations, as far as this write sent them, indented.
   */
  private check(run: Extract<MemoryWrite, { kind: 'check-run' | 'check-run-update' }>): void {
    const created = run.kind === 'check-run';
    this.line(
      `check run ${run.name} ${created ? 'created' : 'updated'}: ${checkState(run)} — ${run.title ?? '(no title)'}`,
    );
    if (this.quiet) return;
    const sent = created ? run : run.update;
    if (sent.summary) this.term.out(indent(sent.summary));
    if (sent.text) this.term.out(`\n${indent(sent.text)}`);
    for (const a of sent.annotations ?? []) {
      this.term.out(`    ${a.annotation_level} at ${a.path}:${a.start_line}: ${a.message}`);
    }
  }
}

function checkState(run: Pick<MemoryCheckRun, 'status' | 'conclusion'>): string {
  return run.status === 'completed'
    ? `completed, ${run.conclusion ?? 'no conclusion'}`
    : run.status.replace('_', ' ');
}

function stateOf(body: string): string {
  const state = decodeState(body)?.state;
  return state ? ` — state ${state}` : '';
}

function shortenMarker(body: string): string {
  return body.replace(MARKER, '<!-- proceed:state … (the hidden state marker, shortened here) -->');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `    ${l}` : ''))
    .join('\n');
}
