/**
 * `proceed doctor`'s judgement: what a repository's setup (read through the API by doctor.ts) lacks
 * for the gate to work, each finding with what to do. Pure, so every misconfiguration is a table
 * row in the tests; the reading and the printing live in doctor.ts.
 */
import { parse as parseYaml } from 'yaml';
import { formatDiagnostic, type Diagnostic } from '../plan/diagnostics.js';
import type { Policy } from '../gate/policy.js';
import { CHECK_VERIFY } from '../gate/view.js';

/** The GitHub Actions app: every workflow's check runs come from it. */
export const GITHUB_ACTIONS_APP_ID = 15368;

/** What doctor read; `undefined` where the API would not say (a finding says so). */
export interface SetupFacts {
  repository: string;
  defaultBranch: string;
  /** Every workflow file on the default branch. */
  workflows: { path: string; source: string }[];
  policy:
    | { found: false; path: string }
    | { found: true; path: string; errors: Diagnostic[]; value: Policy | undefined };
  /** The default branch's branch protection (required checks with their pinned app), or none. */
  protection: { checks: { context: string; appId: number | null }[] } | 'none' | 'unreadable';
  /** The rules of the rulesets that apply to the default branch. */
  rules: { type: string; parameters?: unknown }[] | 'unreadable';
  /** The door: the Action (workflow), or the app with its executor. */
  door: { kind: 'action' } | { kind: 'app'; slug: string; executor: 'inline' | 'dispatch'; workflow: string };
  /** The app as `GET /apps/{slug}` shows it; undefined when GitHub has none by that slug. */
  app?: { id: number; permissions: Record<string, string | undefined>; events: string[] };
}

export interface Finding {
  /** `fail` blocks the gate (or lets it be bypassed); `warn` costs something; `ok` is fine. */
  level: 'ok' | 'warn' | 'fail';
  /** What the finding is about: workflow, policy, branch, merge queue, app. */
  subject: string;
  message: string;
  /** What to do, when something is to be done. */
  fix?: string;
}

/** The Action's own events (SPEC §6 and the README's workflow), with the actions the gate acts on. */
const ACTION_EVENTS: { name: string; types: string[]; level: 'fail' | 'warn'; why: string }[] = [
  {
    name: 'pull_request',
    types: ['opened', 'synchronize', 'reopened'],
    level: 'fail',
    why: 'renders the plan and creates proceed/verify',
  },
  {
    name: 'pull_request_review',
    types: ['submitted'],
    level: 'fail',
    why: 'an approving review starts the plan',
  },
  {
    name: 'pull_request_review',
    types: ['dismissed'],
    level: 'warn',
    why: 'a dismissed approving review withdraws its approval',
  },
  { name: 'issue_comment', types: ['created'], level: 'fail', why: '/proceed and the other commands' },
  { name: 'schedule', types: [], level: 'warn', why: 'ends checkpoints nobody confirmed in time' },
];

/** GitHub's default activity types when a workflow names the event without `types`. */
const DEFAULT_TYPES: Record<string, string[]> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_review: ['submitted', 'edited', 'dismissed'],
  issue_comment: ['created', 'edited', 'deleted'],
};

/** The token permissions the Action's job needs (README "The GitHub Action"). */
const ACTION_PERMISSIONS: Record<string, 'read' | 'write'> = {
  contents: 'write',
  'pull-requests': 'write',
  issues: 'write',
  checks: 'write',
  actions: 'read',
};

/** The app's permissions the gate always uses (app.yml). */
const APP_PERMISSIONS: Record<string, 'read' | 'write'> = {
  contents: 'write',
  pull_requests: 'write',
  issues: 'write',
  checks: 'write',
  metadata: 'read',
};

const APP_EVENTS = ['pull_request', 'pull_request_review', 'issue_comment', 'check_run'];

export function judgeSetup(facts: SetupFacts): Finding[] {
  const findings: Finding[] = [];
  const mergeQueue = facts.rules !== 'unreadable' && facts.rules.some((r) => r.type === 'merge_queue');
  const policy = facts.policy.found ? facts.policy.value : undefined;
  findings.push(...judgePolicy(facts));
  if (facts.door.kind === 'action') findings.push(...judgeActionWorkflow(facts, mergeQueue));
  else findings.push(...judgeApp(facts, facts.door, mergeQueue, policy));
  findings.push(...judgeRequiredCheck(facts));
  if (facts.rules === 'unreadable') {
    findings.push({
      level: 'warn',
      subject: 'rulesets',
      message: `Could not read the rulesets that apply to ${facts.defaultBranch}, so a merge queue or a required check set there was not checked.`,
      fix: 'Run doctor with a token that can read the repository (a fine-grained token with "Metadata: read" and "Contents: read").',
    });
  }
  return findings;
}

function judgePolicy(facts: SetupFacts): Finding[] {
  const p = facts.policy;
  if (!p.found)
    return [
      {
        level: 'ok',
        subject: 'policy',
        message: `No ${p.path} on ${facts.defaultBranch}: every key has its safe default.`,
      },
    ];
  if (p.errors.length)
    return [
      {
        level: 'fail',
        subject: 'policy',
        message: `${p.path} on ${facts.defaultBranch} is invalid, so nothing can be approved:\n${p.errors.map((d) => `    ${formatDiagnostic(d)}`).join('\n')}`,
        fix: `Fix ${p.path} on ${facts.defaultBranch} (the gate reads the base branch's copy).`,
      },
    ];
  return [{ level: 'ok', subject: 'policy', message: `${p.path} on ${facts.defaultBranch} is valid.` }];
}

interface ParsedWorkflow {
  path: string;
  events: Map<string, string[] | undefined>;
  /** The permissions of the job that uses the action (its own, else the workflow's); undefined when unstated. */
  permissions: Record<string, string> | 'read-all' | 'write-all' | undefined;
  /** `with: mode: execute`: the workflow the app's dispatch starts. */
  execute: boolean;
}

/** The workflows that use the proceed action (`uses: OWNER/proceed@…`), parsed. */
export function proceedWorkflows(workflows: SetupFacts['workflows']): ParsedWorkflow[] {
  const found: ParsedWorkflow[] = [];
  for (const w of workflows) {
    let doc: unknown;
    try {
      doc = parseYaml(w.source);
    } catch {
      continue;
    }
    if (!isRecord(doc) || !isRecord(doc['jobs'])) continue;
    for (const job of Object.values(doc['jobs'])) {
      if (!isRecord(job) || !Array.isArray(job['steps'])) continue;
      const step = job['steps'].find(
        (s): s is Record<string, unknown> =>
          isRecord(s) && typeof s['uses'] === 'string' && /(^|\/)proceed(@|$)/.test(s['uses']),
      );
      if (!step) continue;
      const withInputs = isRecord(step['with']) ? step['with'] : {};
      found.push({
        path: w.path,
        // YAML 1.1 reads a bare `on` as true; the yaml package (1.2) keeps it a string.
        events: eventsOf(doc['on'] ?? doc['true']),
        permissions: permissionsOf(job['permissions'] ?? doc['permissions']),
        execute: withInputs['mode'] === 'execute',
      });
      break;
    }
  }
  return found;
}

function eventsOf(on: unknown): Map<string, string[] | undefined> {
  const events = new Map<string, string[] | undefined>();
  if (typeof on === 'string') events.set(on, undefined);
  else if (Array.isArray(on)) {
    for (const e of on) if (typeof e === 'string') events.set(e, undefined);
  } else if (isRecord(on)) {
    for (const [name, config] of Object.entries(on)) {
      const types = isRecord(config) ? config['types'] : undefined;
      events.set(
        name,
        Array.isArray(types) ? types.map(String) : typeof types === 'string' ? [types] : undefined,
      );
    }
  }
  return events;
}

function permissionsOf(value: unknown): ParsedWorkflow['permissions'] {
  if (value === 'read-all' || value === 'write-all') return value;
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  return undefined;
}

function judgeActionWorkflow(facts: SetupFacts, mergeQueue: boolean): Finding[] {
  const branch = facts.defaultBranch;
  const workflow = proceedWorkflows(facts.workflows).find((w) => !w.execute);
  if (!workflow) {
    return [
      {
        level: 'fail',
        subject: 'workflow',
        message: `No workflow on ${branch} uses the proceed action: \`issue_comment\` runs only the default branch's workflows, so /proceed would do nothing.`,
        fix: `Add the workflow from the README ("The GitHub Action") as .github/workflows/proceed.yml on ${branch}.`,
      },
    ];
  }
  const findings: Finding[] = [
    { level: 'ok', subject: 'workflow', message: `${workflow.path} on ${branch} uses the proceed action.` },
  ];
  const wanted = [...ACTION_EVENTS];
  if (mergeQueue)
    wanted.push({
      name: 'merge_group',
      types: ['checks_requested'],
      level: 'fail',
      why: `${branch} has a merge queue, which waits for proceed/verify on each merge group's commit until it times out and ejects the pull request`,
    });
  for (const event of wanted) {
    const types =
      workflow.events.get(event.name) ??
      (event.name === 'pull_request' ? workflow.events.get('pull_request_target') : undefined);
    const present =
      workflow.events.has(event.name) ||
      (event.name === 'pull_request' && workflow.events.has('pull_request_target'));
    if (!present) {
      findings.push({
        level: event.level,
        subject: event.name === 'merge_group' ? 'merge queue' : 'workflow',
        message: `${workflow.path} does not run on \`${event.name}\` (${event.why}).`,
        fix: `Add \`${event.name}:${event.types.length ? ` { types: [${event.types.join(', ')}] }` : event.name === 'schedule' ? " [{ cron: '*/30 * * * *' }]" : ''}\` under \`on:\` in ${workflow.path}.`,
      });
      continue;
    }
    const effective = types ?? DEFAULT_TYPES[event.name];
    const missing = effective ? event.types.filter((t) => !effective.includes(t)) : [];
    if (missing.length) {
      findings.push({
        level: event.level,
        subject: 'workflow',
        message: `${workflow.path} runs on \`${event.name}\` but not its ${missing.map((t) => `\`${t}\``).join(', ')} activity (${event.why}).`,
        fix: `Add ${missing.join(', ')} to \`on.${event.name}.types\` in ${workflow.path}.`,
      });
    }
  }
  const prTypes = workflow.events.get('pull_request') ?? DEFAULT_TYPES['pull_request'] ?? [];
  if (workflow.events.has('pull_request') && !prTypes.includes('closed')) {
    findings.push({
      level: 'warn',
      subject: 'workflow',
      message: `${workflow.path} does not run when a pull request closes, so the lock of a closed pull request is freed only when it goes stale and a running plan is not cancelled.`,
      fix: `Add \`closed\` to \`on.pull_request.types\` in ${workflow.path}.`,
    });
  }
  findings.push(...judgeTokenPermissions(workflow, facts.policy.found ? facts.policy.value : undefined));
  return findings;
}

function judgeTokenPermissions(workflow: ParsedWorkflow, policy: Policy | undefined): Finding[] {
  const perms = workflow.permissions;
  // Plans may name environments only where the policy lists them: then deployments are recorded.
  const wanted = {
    ...ACTION_PERMISSIONS,
    ...(policy?.environments ? { deployments: 'write' as const } : {}),
  };
  const line = `permissions: { ${Object.entries(wanted)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} }`;
  if (perms === 'write-all') return [];
  if (perms === undefined) {
    return [
      {
        level: 'warn',
        subject: 'workflow',
        message: `${workflow.path} does not state the token's permissions; the repository's default (read-only for repositories and organisations created since 2023) applies.`,
        fix: `Add \`${line}\` to ${workflow.path}.`,
      },
    ];
  }
  const missing = Object.entries(wanted).filter(([scope, level]) => {
    const granted = perms === 'read-all' ? 'read' : perms[scope];
    return !covers(granted, level);
  });
  if (!missing.length) return [];
  return [
    {
      level: 'fail',
      subject: 'workflow',
      message: `The job in ${workflow.path} lacks ${missing.map(([k, v]) => `${k}: ${v}`).join(', ')} (the review, comments, check runs, the lock's ref and deployments need them).`,
      fix: `Set \`${line}\` in ${workflow.path}.`,
    },
  ];
}

function judgeApp(
  facts: SetupFacts,
  door: Extract<SetupFacts['door'], { kind: 'app' }>,
  mergeQueue: boolean,
  policy: Policy | undefined,
): Finding[] {
  const app = facts.app;
  if (!app) {
    return [
      {
        level: 'fail',
        subject: 'app',
        message: `GitHub has no app with the slug ${door.slug}.`,
        fix: "Pass the slug from the app's page (https://github.com/apps/SLUG) to --app.",
      },
    ];
  }
  const needed: [string, 'read' | 'write', string][] = Object.entries(APP_PERMISSIONS).map(([k, v]) => [
    k,
    v,
    'the gate itself',
  ]);
  if (door.executor === 'dispatch')
    needed.push(['actions', 'write', 'the dispatch executor starts the workflow']);
  if (policy?.approvers.teams.length) needed.push(['members', 'read', 'approvers.teams in the policy']);
  if (mergeQueue) needed.push(['merge_queues', 'read', `the merge queue on ${facts.defaultBranch}`]);
  if (policy?.environments) needed.push(['deployments', 'write', 'environments in the policy']);
  const findings: Finding[] = [];
  const lacking = needed.filter(([scope, level]) => !covers(app.permissions[scope], level));
  findings.push(
    lacking.length
      ? {
          level: 'fail',
          subject: 'app',
          message: `The app ${door.slug} lacks ${lacking.map(([k, v, why]) => `${k}: ${v} (${why})`).join(', ')}.`,
          fix: `Grant them in the app's settings (Permissions & events), as app.yml lists, and accept the new permissions on each installation.`,
        }
      : { level: 'ok', subject: 'app', message: `The app ${door.slug} has the permissions the policy uses.` },
  );
  const events = [...APP_EVENTS, ...(mergeQueue ? ['merge_group'] : [])];
  const unsubscribed = events.filter((e) => !app.events.includes(e));
  if (unsubscribed.length) {
    findings.push({
      level: 'fail',
      subject: unsubscribed.includes('merge_group') ? 'merge queue' : 'app',
      message: `The app ${door.slug} is not subscribed to ${unsubscribed.map((e) => `\`${e}\``).join(', ')}.`,
      fix: "Subscribe to them in the app's settings (Permissions & events).",
    });
  }
  if (door.executor === 'dispatch' && !app.events.includes('workflow_run')) {
    findings.push({
      level: 'warn',
      subject: 'app',
      message: `The app ${door.slug} is not subscribed to \`workflow_run\`, so a dispatched job that is killed before it revokes its token leaves that token live until the app's next sweep (every 5 minutes) instead of until the run completes.`,
      fix: "Subscribe to `workflow_run` in the app's settings (Permissions & events), as app.yml lists.",
    });
  }
  if (door.executor === 'dispatch') {
    const workflow = proceedWorkflows(facts.workflows).find(
      (w) => w.execute && w.path.endsWith(`/${door.workflow}`),
    );
    if (!workflow || !workflow.events.has('workflow_dispatch')) {
      findings.push({
        level: 'fail',
        subject: 'workflow',
        message: `The dispatch executor starts .github/workflows/${door.workflow} on ${facts.defaultBranch}, but ${workflow ? 'it has no `workflow_dispatch` trigger' : 'there is no such workflow running the action with `mode: execute`'}.`,
        fix: `Add the workflow from the README ("dispatch") as .github/workflows/${door.workflow} on ${facts.defaultBranch}.`,
      });
    }
  }
  return findings;
}

function judgeRequiredCheck(facts: SetupFacts): Finding[] {
  const branch = facts.defaultBranch;
  const expected = facts.door.kind === 'app' ? facts.app?.id : GITHUB_ACTIONS_APP_ID;
  const source = facts.door.kind === 'app' ? `the app ${facts.door.slug}` : 'GitHub Actions';
  const required: { where: string; appId: number | null }[] = [];
  if (typeof facts.protection === 'object') {
    for (const c of facts.protection.checks)
      if (c.context === CHECK_VERIFY) required.push({ where: 'branch protection', appId: c.appId });
  }
  if (facts.rules !== 'unreadable') {
    for (const rule of facts.rules) {
      if (rule.type !== 'required_status_checks') continue;
      const checks = (
        rule.parameters as { required_status_checks?: { context: string; integration_id?: number }[] }
      )?.required_status_checks;
      for (const c of checks ?? [])
        if (c.context === CHECK_VERIFY)
          required.push({ where: 'a ruleset', appId: c.integration_id ?? null });
    }
  }
  if (!required.length) {
    return [
      {
        level: 'fail',
        subject: 'branch',
        message: `${branch} does not require \`${CHECK_VERIFY}\`${facts.protection === 'unreadable' ? ' (its branch protection could not be read)' : ''}, so a pull request can merge without its plan being executed and verified.`,
        fix: `Require the status check ${CHECK_VERIFY} on ${branch} (a ruleset's "Require status checks to pass", or branch protection), with ${source} as its source.`,
      },
    ];
  }
  const findings: Finding[] = [];
  for (const r of required) {
    if (r.appId === null) {
      findings.push({
        level: 'fail',
        subject: 'branch',
        message: `${r.where} requires \`${CHECK_VERIFY}\` on ${branch} from any source: any app or workflow can create a passing check run of that name.`,
        fix: `Pin its source to ${source}${expected !== undefined ? ` (id ${expected})` : ''} in ${r.where}.`,
      });
    } else if (expected !== undefined && r.appId !== expected) {
      findings.push({
        level: 'fail',
        subject: 'branch',
        message: `${r.where} requires \`${CHECK_VERIFY}\` on ${branch} from the app with id ${r.appId}, but proceed posts it as ${source} (id ${expected}), so the check never counts and every pull request waits.`,
        fix: `Pin the check's source to ${source} in ${r.where}.`,
      });
    } else {
      findings.push({
        level: 'ok',
        subject: 'branch',
        message: `${r.where} requires \`${CHECK_VERIFY}\` on ${branch}, pinned to ${source}.`,
      });
    }
  }
  return findings;
}

/** Whether a granted permission level covers the needed one (write covers read). */
function covers(granted: string | undefined, needed: 'read' | 'write'): boolean {
  return granted === 'write' || granted === 'admin' || (needed === 'read' && granted === 'read');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
