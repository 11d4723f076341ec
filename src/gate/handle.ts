import { formatDiagnostic, type Diagnostic } from '../plan/diagnostics.js';
import { parsePlan, parseYamlWithSchema } from '../plan/parse.js';
import type { Plan } from '../plan/schema.js';
import { renderReview } from '../render/review.js';
import { renderPlanProblem } from '../render/problem.js';
import type { CheckAnnotation, GitHubPort, PullRequestInfo, ReviewInfo } from '../github/port.js';
import { authorize, type Actor, type Door } from './authorize.js';
import { parseComment, type CommandName } from './commands.js';
import { discoverPlan } from './discover.js';
import type { GateEvent } from './events.js';
import { renderHelp } from './help.js';
import { decodeState, encodeState } from './marker.js';
import { DEFAULT_POLICY, mergePlanConfig, mergeVerify, policySchema, type Policy } from './policy.js';
import type { LifecycleState, StoredState } from './state.js';
import { codeSpan } from '../render/markdown.js';

/** What the gate needs from the door it runs behind. */
export interface GateEnv {
  port: GitHubPort;
  /** The login the bot posts as; state is trusted only in this account's review. */
  botLogin: string;
  planGlobs: string[];
  policyPath: string;
  log: (line: string) => void;
  now?: () => Date;
}

/** What a run of the gate ended with: the Action's outputs and job summary come from it. */
export interface GateResult {
  state: LifecycleState | 'none';
  planPath?: string;
  nextStep?: string;
  /** The job fails only when a step or a verification failed (SPEC §5). */
  failed: boolean;
  /** One or two sentences for the log and the job summary. */
  summary: string;
}

/** Everything the gate reads about a pull request before deciding. */
interface View {
  pr: PullRequestInfo;
  policy: Policy;
  policyErrors: Diagnostic[];
  plan: PlanView;
  review: ReviewInfo | undefined;
  stored: StoredState | undefined;
}

type PlanView =
  | { kind: 'none' }
  | { kind: 'many'; paths: string[] }
  | { kind: 'invalid'; path: string; blobSha: string; errors: Diagnostic[]; warnings: Diagnostic[] }
  | { kind: 'valid'; path: string; blobSha: string; plan: Plan; hash: string; warnings: Diagnostic[] };

export const CHECK_PLAN = 'proceed/plan';
export const CHECK_VERIFY = 'proceed/verify';

/** The single entry point: one event in, the pull request's review and checks brought up to date. */
export async function handleEvent(env: GateEnv, event: GateEvent): Promise<GateResult> {
  if (event.sender.type !== 'User') {
    return {
      state: 'none',
      failed: false,
      summary: `Ignored: sent by ${event.sender.login}, a ${event.sender.type.toLowerCase()}.`,
    };
  }
  switch (event.kind) {
    case 'pull_request':
      if (event.action === 'closed') return onClosed(env, event.number);
      return onPush(env, event.number);
    case 'review':
      return onReview(env, event);
    case 'comment':
      return onComment(env, event);
    case 'button':
      return onCommand(
        env,
        await load(env, event.number),
        event.identifier as CommandName,
        event.sender,
        'button',
      );
  }
}

/** Opened, reopened, ready for review, or a push: render the plan and check the approval's binding. */
async function onPush(env: GateEnv, number: number): Promise<GateResult> {
  const view = await load(env, number);
  return render(env, view, bindingAfterPush(view));
}

async function onClosed(env: GateEnv, number: number): Promise<GateResult> {
  const view = await load(env, number);
  return {
    state: view.stored?.state ?? 'none',
    failed: false,
    summary: `Pull request #${number} closed; nothing to do.`,
  };
}

/** An approving review by someone allowed, on the current head, counts as `/proceed` (SPEC §3). */
async function onReview(env: GateEnv, event: Extract<GateEvent, { kind: 'review' }>): Promise<GateResult> {
  if (event.state !== 'approved') {
    return {
      state: 'none',
      failed: false,
      summary: `Ignored: a review that ${event.state.replace('_', ' ')}, not an approval.`,
    };
  }
  const view = await load(env, event.number);
  if (event.commitId !== view.pr.headSha) {
    await env.port.createComment(
      event.number,
      refusal(
        'approval',
        `This approval is for an older commit, ${codeSpan(short(event.commitId))}; the head is now ${codeSpan(short(view.pr.headSha))}. ` +
          'Approve the current head, or comment `/proceed`.',
      ),
    );
    return result(view, `Approval by ${event.sender.login} ignored: it is for an older commit.`);
  }
  return onCommand(env, view, 'proceed', event.sender, 'review');
}

async function onComment(env: GateEnv, event: Extract<GateEvent, { kind: 'comment' }>): Promise<GateResult> {
  const parsed = parseComment(event.body);
  if (parsed.kind === 'none')
    return { state: 'none', failed: false, summary: 'Ignored: the comment has no command.' };
  await env.port.reactToComment(event.commentId, 'eyes');
  const view = await load(env, event.number);
  if (view.stored?.handled.includes(event.commentId)) {
    return result(view, `Comment ${event.commentId} was already handled.`);
  }
  if (parsed.kind === 'invalid') {
    await env.port.createComment(event.number, refusal('command', parsed.message));
    return result(view, `Refused a comment: ${parsed.message}`);
  }
  return onCommand(env, view, parsed.command, event.sender, 'comment', event.commentId);
}

/** Every command, from a comment, a review or a button, goes through here: who may, then what it does. */
async function onCommand(
  env: GateEnv,
  view: View,
  command: CommandName,
  sender: { login: string; type: 'User' | 'Bot' | 'Organization' },
  door: Door,
  commentId?: number,
): Promise<GateResult> {
  const number = view.pr.number;
  const allowSkip =
    view.plan.kind === 'valid' && mergePlanConfig(view.plan.plan.config, view.policy).settings.allow_skip;
  const actor = await actorOf(env, view.policy, sender, command);
  const decision = authorize({
    command,
    actor,
    prAuthor: view.pr.author.login,
    isFork: view.pr.isFork,
    policy: view.policy,
    allowSkip,
    door,
  });
  if (!decision.allowed) {
    await env.port.createComment(number, refusal(`/${command}`, decision.reason, decision.whoMay));
    return result(view, `Refused /${command} from ${sender.login}: ${decision.reason}`);
  }

  switch (command) {
    case 'help':
      await env.port.createComment(number, renderHelp(view.policy, allowSkip));
      return result(view, `Answered /help for ${sender.login}.`);
    case 'plan':
      return render(env, view, bindingAfterPush(view));
    case 'proceed':
      return approve(env, view, sender.login, door, commentId);
    default:
      await env.port.createComment(
        number,
        refusal(
          `/${command}`,
          `There is nothing to ${command}: the plan is ${stateWords(view.stored?.state ?? 'proposed')}.`,
        ),
      );
      return result(
        view,
        `/${command} from ${sender.login}: nothing to do in state ${view.stored?.state ?? 'proposed'}.`,
      );
  }
}

/** `/proceed` from someone allowed: bind the approval to the head commit and the plan's blob. */
async function approve(
  env: GateEnv,
  view: View,
  login: string,
  door: Door,
  commentId?: number,
): Promise<GateResult> {
  const number = view.pr.number;
  if (view.policyErrors.length) {
    await env.port.createComment(number, refusal('/proceed', policyProblem(env, view)));
    return result(view, 'Refused /proceed: the repository policy is invalid.');
  }
  if (view.plan.kind !== 'valid') {
    const why =
      view.plan.kind === 'none'
        ? 'This pull request has no plan file, so there is nothing to approve.'
        : view.plan.kind === 'many'
          ? 'This pull request has more than one plan; keep one plan per pull request.'
          : `The plan ${codeSpan(view.plan.path)} is invalid; fix the errors in the \`${CHECK_PLAN}\` check first.`;
    await env.port.createComment(number, refusal('/proceed', why));
    return result(view, `Refused /proceed: ${why}`);
  }
  const stored = view.stored ?? freshState(view);
  if (stored.approval && bound(stored, view)) {
    await env.port.createComment(
      number,
      refusal('/proceed', `The plan is already approved (by ${codeSpan(stored.approval.by)}).`),
    );
    return result(view, 'Already approved.');
  }
  const next: StoredState = {
    ...stored,
    state: 'approved',
    approval: {
      by: login,
      via: door,
      at: (env.now?.() ?? new Date()).toISOString(),
      headSha: view.pr.headSha,
      planBlob: view.plan.blobSha,
      planHash: view.plan.hash,
    },
    confirmed: [],
    handled: commentId === undefined ? stored.handled : [...stored.handled, commentId],
  };
  return render(env, { ...view, stored: next }, { stored: next });
}

interface Binding {
  stored?: StoredState;
  notice?: string;
}

/**
 * After a push: does the approval still hold? With `bind_approval_to: head` any new commit voids
 * it; with `plan` only a change of the plan file does. A voided approval puts the plan back to
 * `proposed`, and the review says why.
 */
function bindingAfterPush(view: View): Binding {
  if (view.plan.kind !== 'valid') return { stored: view.stored };
  const prev = view.stored;
  if (!prev) return { stored: freshState(view) };
  const fresh: StoredState = {
    ...prev,
    planPath: view.plan.path,
    planBlob: view.plan.blobSha,
    planHash: view.plan.hash,
    headSha: view.pr.headSha,
  };
  if (!prev.approval || bound(prev, view)) return { stored: fresh };
  const planChanged = prev.approval.planHash !== view.plan.hash || prev.planPath !== view.plan.path;
  const why = planChanged
    ? `the plan changed in ${codeSpan(short(view.pr.headSha))}`
    : `new commit ${codeSpan(short(view.pr.headSha))} was pushed (\`bind_approval_to: head\`)`;
  return {
    stored: { ...fresh, state: 'proposed', approval: undefined, confirmed: [] },
    notice: `Approval by ${codeSpan(prev.approval.by)} was reset: ${why}. Approve again or comment \`/proceed\`.`,
  };
}

/** Whether the stored approval still holds for what the pull request is now. */
function bound(stored: StoredState, view: View): boolean {
  const a = stored.approval;
  if (!a || view.plan.kind !== 'valid') return false;
  if (a.planHash !== view.plan.hash || a.planBlob !== view.plan.blobSha || stored.planPath !== view.plan.path)
    return false;
  return view.policy.bind_approval_to === 'plan' || a.headSha === view.pr.headSha;
}

function freshState(view: View): StoredState {
  const plan = view.plan.kind === 'valid' ? view.plan : undefined;
  return {
    v: 1,
    state: 'proposed',
    planPath: plan?.path ?? '',
    planBlob: plan?.blobSha ?? '',
    planHash: plan?.hash ?? '',
    headSha: view.pr.headSha,
    confirmed: [],
    handled: [],
  };
}

/** Brings the review, `proceed/plan` and `proceed/verify` up to date with the view. */
async function render(env: GateEnv, view: View, binding: Binding): Promise<GateResult> {
  const { port } = env;
  const { pr } = view;
  const sha = pr.headSha;

  if (view.policyErrors.length) {
    const text = policyProblem(env, view);
    await upsertCheck(env, sha, CHECK_PLAN, {
      conclusion: 'failure',
      title: 'The repository policy is invalid',
      summary: text,
    });
    await upsertCheck(env, sha, CHECK_VERIFY, {
      conclusion: 'failure',
      title: 'Blocked: the repository policy is invalid',
      summary: text,
    });
    return {
      state: view.stored?.state ?? 'none',
      failed: false,
      summary: 'The repository policy is invalid; nothing can be approved.',
    };
  }

  if (view.plan.kind === 'none') {
    if (view.review && view.stored) {
      await port.updateReview(
        pr.number,
        view.review.id,
        renderPlanProblem({ kind: 'removed', path: view.stored.planPath }) + encodeState(view.stored),
      );
    }
    await upsertCheck(env, sha, CHECK_VERIFY, {
      conclusion: 'success',
      title: 'No plan: nothing to gate',
      summary: `No file in this pull request matches ${env.planGlobs.map((g) => codeSpan(g)).join(', ')}, so there is nothing to execute or verify.`,
    });
    return { state: 'none', failed: false, summary: 'No plan in this pull request; nothing to gate.' };
  }

  if (view.plan.kind === 'many') {
    const body = renderPlanProblem({ kind: 'many', paths: view.plan.paths });
    await writeReview(env, view, body, view.stored);
    const summary = `This pull request has ${view.plan.paths.length} plans; one plan per pull request. Found: ${view.plan.paths.join(', ')}.`;
    await upsertCheck(env, sha, CHECK_PLAN, { conclusion: 'failure', title: 'More than one plan', summary });
    await upsertCheck(env, sha, CHECK_VERIFY, {
      conclusion: 'failure',
      title: 'Blocked: more than one plan',
      summary,
    });
    return { state: 'none', failed: false, summary: `Refused: ${summary}` };
  }

  if (view.plan.kind === 'invalid') {
    const { path, errors, warnings } = view.plan;
    await writeReview(env, view, renderPlanProblem({ kind: 'invalid', path, errors }), view.stored);
    const summary = `${errors.length} error(s) in ${codeSpan(path)}:\n\n${errors.map((e) => `- ${codeSpan(formatDiagnostic(e))}`).join('\n')}`;
    await upsertCheck(env, sha, CHECK_PLAN, {
      conclusion: 'failure',
      title: `${errors.length} error(s) in the plan`,
      summary,
      annotations: annotate([...errors, ...warnings], path),
    });
    await upsertCheck(env, sha, CHECK_VERIFY, {
      conclusion: 'failure',
      title: 'Blocked: the plan is invalid',
      summary,
    });
    return {
      state: 'none',
      planPath: path,
      failed: false,
      summary: `The plan ${path} is invalid (${errors.length} error(s)).`,
    };
  }

  const { plan, path, warnings } = view.plan;
  const stored = binding.stored ?? freshState(view);
  const notices = [
    binding.notice,
    ...mergePlanConfig(plan.config, view.policy).notices,
    ...mergeVerify(plan.verify, view.policy).notices,
  ].filter((n): n is string => !!n);
  const body = renderReview(plan, {
    planPath: path,
    state: stored.state,
    notice: notices.length ? notices.join('\n\n') : undefined,
    approval: stored.approval ? { by: stored.approval.by, sha: stored.approval.headSha } : undefined,
    verifyExtra: Object.fromEntries(
      Object.entries(view.policy.verify).map(([k, v]) => [k, typeof v === 'string' ? v : v.run]),
    ),
  });
  await writeReview(env, view, body, stored);
  await upsertCheck(env, sha, CHECK_PLAN, {
    conclusion: 'success',
    title: warnings.length ? `Valid, with ${warnings.length} warning(s)` : 'Valid',
    summary: `${codeSpan(path)}: ${plan.steps.length} step(s).${warnings.length ? `\n\n${warnings.map((w) => `- ${codeSpan(formatDiagnostic(w))}`).join('\n')}` : ''}`,
    annotations: annotate(warnings, path),
  });
  await upsertCheck(env, sha, CHECK_VERIFY, {
    status: 'queued',
    title: stored.state === 'approved' ? 'Approved; waiting for execution' : 'Waiting for approval',
    summary:
      'This check concludes `success` only when every step and every verification of the approved plan passed on this commit.',
  });
  return { state: stored.state, planPath: path, failed: false, summary: `Plan ${path}: ${stored.state}.` };
}

/** Creates the bot's review, or edits it in place: one review per pull request (SPEC §4). */
async function writeReview(
  env: GateEnv,
  view: View,
  body: string,
  stored: StoredState | undefined,
): Promise<void> {
  const full = body + (stored ? encodeState(stored) : '');
  if (view.review) await env.port.updateReview(view.pr.number, view.review.id, full);
  else await env.port.createReview(view.pr.number, { body: full, commitId: view.pr.headSha });
}

interface CheckUpdate {
  status?: 'queued' | 'in_progress';
  conclusion?: 'success' | 'failure';
  title: string;
  summary: string;
  annotations?: CheckAnnotation[];
}

/** One check run per name and commit: edited when it exists, created otherwise. */
async function upsertCheck(env: GateEnv, sha: string, name: string, update: CheckUpdate): Promise<void> {
  const [existing] = await env.port.listCheckRuns(sha, name);
  const status = update.conclusion ? 'completed' : (update.status ?? 'queued');
  const input = {
    status,
    title: update.title,
    summary: update.summary,
    ...(update.conclusion
      ? { conclusion: update.conclusion, completedAt: (env.now?.() ?? new Date()).toISOString() }
      : {}),
    ...(update.annotations ? { annotations: update.annotations } : {}),
  } as const;
  if (existing) await env.port.updateCheckRun(existing.id, input);
  else await env.port.createCheckRun({ name, headSha: sha, ...input });
}

function annotate(diagnostics: Diagnostic[], path: string): CheckAnnotation[] {
  return diagnostics.map((d) => ({
    path,
    start_line: d.line,
    end_line: Math.max(d.line, d.endLine ?? d.line),
    ...(d.endLine === undefined || d.endLine === d.line
      ? { start_column: d.col, end_column: Math.max(d.col, d.endCol ?? d.col) }
      : {}),
    annotation_level: d.severity === 'error' ? 'failure' : 'warning',
    message: d.path ? `${d.path}: ${d.message}` : d.message,
    title: d.severity === 'error' ? 'Plan error' : 'Plan warning',
  }));
}

/** Reads the pull request, the base branch's policy, the plan at the head, and the bot's own review. */
async function load(env: GateEnv, number: number): Promise<View> {
  const { port } = env;
  const pr = await port.getPullRequest(number);
  const [files, reviews, policyFile] = await Promise.all([
    port.listChangedFiles(number),
    port.listReviews(number),
    // The base branch's copy, never the pull request's: a pull request cannot weaken its own gate.
    port.readFile(env.policyPath, pr.baseSha),
  ]);
  let policy = DEFAULT_POLICY;
  let policyErrors: Diagnostic[] = [];
  if (policyFile) {
    const parsed = parseYamlWithSchema(policyFile.content, env.policyPath, policySchema);
    if (parsed.ok) policy = parsed.value;
    else policyErrors = parsed.errors;
  }
  const review = ownReview(reviews, env.botLogin);
  const stored = review ? decodeState(review.body) : undefined;

  const found = discoverPlan(files, env.planGlobs);
  let plan: PlanView;
  if (found.kind !== 'one') plan = found;
  else {
    const file = await port.readFile(found.path, pr.headSha);
    if (!file) plan = { kind: 'none' };
    else {
      const parsed = parsePlan(file.content, found.path);
      plan = parsed.ok
        ? {
            kind: 'valid',
            path: found.path,
            blobSha: file.sha,
            plan: parsed.plan,
            hash: parsed.hash,
            warnings: parsed.warnings,
          }
        : {
            kind: 'invalid',
            path: found.path,
            blobSha: file.sha,
            errors: parsed.errors,
            warnings: parsed.warnings,
          };
    }
  }
  return { pr, policy, policyErrors, plan, review, stored };
}

/** The bot's review: the newest one by the bot's own account. Markers anywhere else are ignored. */
function ownReview(reviews: ReviewInfo[], botLogin: string): ReviewInfo | undefined {
  const own = reviews.filter((r) => r.user?.login.toLowerCase() === botLogin.toLowerCase());
  return own.find((r) => decodeState(r.body)) ?? own[0];
}

/** The sender as `authorize` needs them; team memberships are looked up only when the policy lists teams. */
async function actorOf(
  env: GateEnv,
  policy: Policy,
  sender: { login: string; type: 'User' | 'Bot' | 'Organization' },
  command: CommandName,
): Promise<Actor> {
  if (command === 'help' || command === 'plan' || sender.type !== 'User')
    return { ...sender, permission: 'none', teams: [] };
  const permission = await env.port.getPermission(sender.login);
  const teams: string[] = [];
  for (const team of policy.approvers.teams) {
    const [org, slug] = team.split('/') as [string, string];
    if (await env.port.isTeamMember(org, slug, sender.login)) teams.push(team);
  }
  return { ...sender, permission, teams };
}

function policyProblem(env: GateEnv, view: View): string {
  const list = view.policyErrors.map((e) => `- ${codeSpan(formatDiagnostic(e))}`).join('\n');
  return `The repository policy ${codeSpan(env.policyPath)} on ${codeSpan(view.pr.baseRef)} is invalid, so nothing can be approved or run until it is fixed on the base branch:\n\n${list}`;
}

function refusal(what: string, reason: string, whoMay?: string): string {
  return `**${what === 'approval' || what === 'command' ? 'Not accepted' : `${codeSpan(what)} refused`}.** ${reason}${whoMay ? `\n\nWho may: ${whoMay}.` : ''}`;
}

function result(view: View, summary: string): GateResult {
  return {
    state: view.stored?.state ?? 'none',
    planPath: view.plan.kind === 'valid' || view.plan.kind === 'invalid' ? view.plan.path : undefined,
    failed: false,
    summary,
  };
}

function stateWords(state: LifecycleState): string {
  return state.replace('-', ' ');
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
