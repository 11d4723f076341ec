/**
 * Commands from the wrong people: every combination of repository permission, door (comment,
 * approving review, check-run button), author or not, fork or not, and repository policy (permission
 * floor, user and team allowlists, self-approval, forks) gives each command that can run something
 * — and `/cancel` — through `handleEvent`, the gate's real door logic. Whether it may is decided here
 * from the SPEC (§2, §3), not by the gate's own `authorize`; what ran is read from the steps' trace.
 */
import { rmSync, writeFileSync } from 'node:fs';
import type { Permission } from '../../src/gate/authorize.js';
import { BOT, MemoryScene } from '../../test/support/memory-scene.js';
import { tracedPlan } from '../../test/support/traced-plans.js';
import { count, firstOf, inPool, seededRandom, type Row, type RowContext, type RowResult } from '../row.js';

const PERMISSIONS: Permission[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];
const RANK = Object.fromEntries(PERMISSIONS.map((p, i) => [p, i])) as Record<Permission, number>;
const AUTHOR = 'alice';
const OTHER = 'dave';
/** Allowed under every policy: gets the pull request to the state a command needs (failed, verified). */
const SETUP = 'sam';
const TEAM = 'octo-org/deployers';

interface PolicyCase {
  name: string;
  floor: 'write' | 'maintain' | 'admin';
  lists: boolean;
  selfApproval: boolean;
  forks: boolean;
}

const POLICIES: PolicyCase[] = [
  { name: 'defaults', floor: 'write', lists: false, selfApproval: false, forks: false },
  { name: 'maintain floor', floor: 'maintain', lists: false, selfApproval: false, forks: false },
  { name: 'admin floor', floor: 'admin', lists: false, selfApproval: false, forks: false },
  { name: 'user and team allowlists', floor: 'write', lists: true, selfApproval: false, forks: false },
  { name: 'self-approval', floor: 'write', lists: false, selfApproval: true, forks: false },
  { name: 'forks', floor: 'write', lists: false, selfApproval: false, forks: true },
  {
    name: 'allowlists, self-approval and forks',
    floor: 'write',
    lists: true,
    selfApproval: true,
    forks: true,
  },
  { name: 'admin floor and allowlists', floor: 'admin', lists: true, selfApproval: false, forks: false },
];

type Membership = 'unlisted' | 'listed user' | 'team member';
type Door = 'comment' | 'review' | 'button';
type Command = 'proceed' | 'retry' | 'skip' | 'rollback' | 'cancel';

const DOOR_COMMANDS: { door: Door; command: Command; allowSkip: boolean }[] = [
  { door: 'comment', command: 'proceed', allowSkip: false },
  { door: 'comment', command: 'retry', allowSkip: false },
  { door: 'comment', command: 'skip', allowSkip: true },
  { door: 'comment', command: 'skip', allowSkip: false },
  { door: 'comment', command: 'rollback', allowSkip: false },
  { door: 'comment', command: 'cancel', allowSkip: false },
  { door: 'review', command: 'proceed', allowSkip: false },
  { door: 'button', command: 'proceed', allowSkip: false },
  { door: 'button', command: 'retry', allowSkip: false },
  { door: 'button', command: 'cancel', allowSkip: false },
];

export interface Cell {
  permission: Permission;
  author: boolean;
  fork: boolean;
  policy: PolicyCase;
  membership: Membership;
  door: Door;
  command: Command;
  allowSkip: boolean;
}

export function allCells(): Cell[] {
  const cells: Cell[] = [];
  for (const policy of POLICIES)
    for (const membership of (policy.lists
      ? ['unlisted', 'listed user', 'team member']
      : ['unlisted']) as Membership[])
      for (const permission of PERMISSIONS)
        for (const author of [false, true])
          for (const fork of [false, true])
            for (const dc of DOOR_COMMANDS)
              cells.push({ permission, author, fork, policy, membership, ...dc });
  return cells;
}

function describe(c: Cell): string {
  return (
    `${c.door} /${c.command}${c.command === 'skip' ? ` (allow_skip ${c.allowSkip})` : ''} by ${c.author ? 'the author' : 'another person'} ` +
    `with ${c.permission}, ${c.membership}, ${c.fork ? 'fork' : 'same repository'}, policy: ${c.policy.name}`
  );
}

/**
 * May this command, from this person through this door, run anything? Written from the SPEC: approve or
 * run needs the policy's permission floor, a place on its allowlists when it has them, not being the
 * author unless self-approval is on, and no fork unless forks are on; `/skip` also needs the plan's
 * `allow_skip`; a review only stands for `/proceed`, and buttons give only Proceed, Retry and Cancel.
 * `/cancel` runs nothing; the author and anyone with write access may give it.
 */
export function mayRun(c: Cell): boolean {
  if (c.door === 'review' && c.command !== 'proceed') return false;
  if (c.door === 'button' && !['proceed', 'retry', 'cancel'].includes(c.command)) return false;
  if (c.command === 'cancel') return false;
  if (c.fork && !c.policy.forks) return false;
  if (RANK[c.permission] < RANK[c.policy.floor]) return false;
  if (c.policy.lists && c.membership === 'unlisted') return false;
  if (c.author && !c.policy.selfApproval) return false;
  return c.command !== 'skip' || c.allowSkip;
}

export function mayCancel(c: Cell): boolean {
  return c.author || RANK[c.permission] >= RANK.write;
}

/** Whether the sequence that sets the stage (sam's run) is possible: sam may not run a fork's plan under `forks: false`. */
function stageReachable(c: Cell): boolean {
  return !(c.fork && !c.policy.forks);
}

function policyYaml(c: Cell, actor: string): string {
  const p = c.policy;
  const users = [SETUP, ...(c.membership === 'listed user' ? [actor] : [])];
  return [
    'approvers:',
    `  permission: ${p.floor}`,
    ...(p.lists ? [`  users: [${users.join(', ')}]`, `  teams: [${TEAM}]`] : []),
    `self_approval: ${p.selfApproval}`,
    `forks: ${p.forks}`,
    '',
  ].join('\n');
}

interface Outcome {
  cell: Cell;
  ran: number;
  answered: boolean;
  applicable: boolean;
  stageReached: boolean;
}

async function runCell(c: Cell): Promise<Outcome> {
  const actor = c.author ? AUTHOR : OTHER;
  const permissions: Record<string, Permission> = { [SETUP]: 'admin', [AUTHOR]: 'write' };
  if (c.author || c.permission !== 'none') permissions[actor] = c.permission;
  const scene = new MemoryScene({
    plan: tracedPlan({
      steps: [
        { id: 'one', body: 'test ! -e "$FAIL_FLAG"', rollback: true },
        { id: 'two', rollback: true },
      ],
      verify: false,
      allowSkip: c.allowSkip,
    }),
    policy: policyYaml(c, actor),
    author: AUTHOR,
    fork: c.fork,
    permissions,
    teams: { [TEAM]: [SETUP, ...(c.membership === 'team member' ? [actor] : [])] },
    buttons: c.door === 'button',
  });
  try {
    await scene.open();
    // The stage: a failed first step for /retry, /skip and /cancel; a verified plan for /rollback.
    let stageReached = true;
    if (c.command !== 'proceed') {
      if (c.command !== 'rollback') writeFileSync(scene.failFlag, '');
      await scene.comment(SETUP, '/proceed');
      rmSync(scene.failFlag, { force: true });
      const want = c.command === 'rollback' ? 'verified' : 'failed';
      stageReached = scene.state()?.state === want;
    }
    const before = scene.trace().filter((e) => e.kind === 'start').length;
    const comments = scene.github.comments().length;
    const reactions = scene.github.reactions().length;
    let applicable = true;
    switch (c.door) {
      case 'comment':
        await scene.comment(actor, `/${c.command}`);
        break;
      case 'review':
        await scene.review(actor, 'approved');
        break;
      case 'button': {
        // A button exists only where the gate put one: Proceed on the gate, Retry and Cancel on the failed step.
        const on = c.command === 'proceed' ? 'proceed/verify' : 'proceed/one';
        const check = scene.github
          .checkRuns(scene.headSha)
          .filter((k) => k.name === on)
          .at(-1);
        applicable = !!check?.actions.some((a) => a.identifier === c.command);
        if (applicable) await scene.button(actor, c.command, on);
        break;
      }
    }
    const ran = scene.trace().filter((e) => e.kind === 'start').length - before;
    const newComments = scene.github
      .comments()
      .slice(comments)
      .filter((k) => k.user?.login === BOT);
    const refusal = newComments.some(
      (k) => /refused\.\*\*|Not accepted\.\*\*/.test(k.body) && /Who may: /.test(k.body),
    );
    const reacted = c.door !== 'comment' || scene.github.reactions().length > reactions;
    return { cell: c, ran, answered: refusal && reacted, applicable, stageReached };
  } finally {
    scene.cleanup();
  }
}

export const permissions: Row = {
  name: 'commands from the wrong people',
  bar: '0 executions outside policy; every refusal answered',
  how:
    'Every cell of permission (none, read, triage, write, maintain, admin) × door (comment, approving review, check-run button) × ' +
    'author or not × fork or not × policy (defaults; maintain and admin floors; user and team allowlists, with the person listed, ' +
    'in the team, or neither; self-approval; forks; combinations) × command (`/proceed`, `/retry`, `/skip` with and without ' +
    '`allow_skip`, `/rollback`, `/cancel`; the buttons Proceed, Retry and Cancel) is a fresh pull request on the in-memory GitHub. ' +
    'An allowed approver first brings it to the state the command acts on (a failed step, a verified plan); then the person gives ' +
    'the command as a webhook payload through `toGateEvent` and `handleEvent`. A button is pressed only where the gate shows it ' +
    '(Proceed on `proceed/verify`, Retry and Cancel on the failed step), so cells whose stage cannot be reached (a fork under ' +
    "`forks: false`) have no button to press and are left out. Executions are counted from the steps' own trace. " +
    "Whether the person may is decided by an oracle written from SPEC §2–3, not by the gate's `authorize`. A refusal counts as " +
    'answered when the bot commented why and who may (and reacted 👀 to a comment). Cells where the policy allows the command ' +
    'must run it, so the matrix cannot pass by refusing everyone.',
  async run(ctx: RowContext): Promise<RowResult> {
    let cells = allCells();
    const full = cells.length;
    if (ctx.short) {
      const random = seededRandom(ctx.seed);
      cells = cells.filter(() => random() < 0.12);
    }
    let done = 0;
    const outcomes = await inPool(cells, 4, async (c) => {
      const o = await runCell(c);
      if (++done % 500 === 0) ctx.progress(`${done} of ${cells.length} cells`);
      return o;
    });
    const applicable = outcomes.filter((o) => o.applicable);
    const outside = applicable.filter((o) => o.ran > 0 && !mayRun(o.cell));
    const refusals = applicable.filter((o) =>
      o.cell.command === 'cancel' ? !mayCancel(o.cell) : !mayRun(o.cell),
    );
    const unanswered = refusals.filter((o) => !o.answered);
    const shouldRun = applicable.filter((o) => mayRun(o.cell) && o.stageReached && stageReachable(o.cell));
    const didNotRun = shouldRun.filter((o) => o.ran === 0);
    const ok = outside.length === 0 && unanswered.length === 0 && didNotRun.length === 0;
    return {
      row: this.name,
      figure:
        `${count(applicable.length)} cells${ctx.short ? ` (a sample of ${count(full)})` : ''}: ${outside.length} executions outside policy; ` +
        `${count(refusals.length - unanswered.length)} of ${count(refusals.length)} refusals answered; ` +
        `${count(shouldRun.length - didNotRun.length)} of ${count(shouldRun.length)} allowed commands ran`,
      bar: this.bar,
      ok,
      detail: firstOf(
        [
          ...outside.map((o) => `ran ${o.ran} step(s) outside policy: ${describe(o.cell)}`),
          ...unanswered.map((o) => `refused without an answer: ${describe(o.cell)}`),
          ...didNotRun.map((o) => `allowed but ran nothing: ${describe(o.cell)}`),
        ],
        8,
      ),
    };
  },
};
