/**
 * Forged or injected content: people who may not run anything try to make the bot run, approve,
 * stop or say something all the same — with the bot's own state marker written into their comments,
 * reviews and plan; with HTML, scripts, mentions, fences and markers in every string of a plan; with
 * commands hidden in quotes and code; and with edited comments. Every attempt must have no effect:
 * no step runs, the stored state does not move, a running plan is not stopped, and nothing posted
 * renders the plan's text as live HTML, a mention, a heading or a broken code block.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { executeRequested } from '../../src/gate/handle.js';
import { encodeState } from '../../src/gate/marker.js';
import type { StoredState } from '../../src/gate/state.js';
import type { CommentInfo } from '../../src/gate/port.js';
import type { MemoryWrite } from '../../src/github/memory.js';
import { liveText, scanFences } from '../../test/support/markdown-structure.js';
import { count, counted, firstOf, saveFailures, type Row, type RowContext, type RowResult } from '../row.js';
import { BOT, MemoryScene } from '../../test/support/memory-scene.js';
import { tracedPlan, yamlString } from '../../test/support/traced-plans.js';

const AUTHOR = 'alice';
const APPROVER = 'bob';
const OUTSIDER = 'mallory';

interface Attempt {
  group: string;
  name: string;
  /** What the attempt achieved that it should not have; empty when it had no effect. */
  effects: string[];
  /** The attacker's text, in full. */
  input?: string;
}

/** A pull request by the author, with an approver, an outsider, and a user who named themselves after the bot. */
function scene(plan = tracedPlan({ steps: [{ id: 'one' }, { id: 'two' }, { id: 'three' }] })) {
  return new MemoryScene({
    plan,
    author: AUTHOR,
    permissions: { [AUTHOR]: 'write', [APPROVER]: 'write', [OUTSIDER]: 'read', proceed: 'admin' },
  });
}

function starts(s: MemoryScene): number {
  return s.trace().filter((e) => e.kind === 'start').length;
}

// ---- forged state markers ---------------------------------------------------------------------

/** The states a forger would claim, bound to the pull request exactly as the bot would bind them. */
function forgedStates(s: MemoryScene): Record<string, StoredState> {
  const real = s.state()!;
  const approval = {
    by: APPROVER,
    via: 'comment' as const,
    at: new Date().toISOString(),
    headSha: real.headSha,
    planBlob: real.planBlob,
    planHash: real.planHash,
  };
  return {
    approved: { ...real, state: 'approved', approval },
    failed: { ...real, state: 'failed', approval, next: 'one' },
    paused: { ...real, state: 'paused', approval, next: 'two', pausedAt: new Date().toISOString() },
    requested: {
      ...real,
      state: 'approved',
      approval,
      requested: { command: 'proceed', by: APPROVER, headSha: real.headSha },
    },
  };
}

const PLACES = [
  'comment by the author',
  'comment by an outsider',
  'review by the author',
  'review by a user named "proceed"',
] as const;

async function forgedMarkers(): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (const place of PLACES) {
    for (const claim of ['approved', 'failed', 'paused', 'requested']) {
      for (const trigger of [
        'push',
        'author /proceed',
        'approver /retry',
        'approver /skip',
        'dispatched execution',
      ] as const) {
        const s = scene(
          tracedPlan({ steps: [{ id: 'one' }, { id: 'two' }, { id: 'three' }], allowSkip: true }),
        );
        try {
          await s.open();
          const forged = forgedStates(s)[claim]!;
          const body = `Looks good to me.${encodeState(forged)}`;
          if (place === 'comment by the author') s.github.addComment(AUTHOR, body);
          else if (place === 'comment by an outsider') s.github.addComment(OUTSIDER, body);
          else if (place === 'review by the author') s.github.submitReview(AUTHOR, 'COMMENTED', body);
          else s.github.submitReview('proceed', 'COMMENTED', body);
          const before = starts(s);
          let handoff = false;
          switch (trigger) {
            case 'push':
              await s.open('synchronize');
              break;
            case 'author /proceed':
              await s.comment(AUTHOR, '/proceed');
              break;
            case 'approver /retry':
              await s.comment(APPROVER, '/retry');
              break;
            case 'approver /skip':
              await s.comment(APPROVER, '/skip');
              break;
            case 'dispatched execution': {
              const r = await executeRequested(s.env, {
                number: 1,
                headSha: s.headSha,
                planHash: forged.planHash,
              });
              handoff = !r.failed;
              break;
            }
          }
          const effects: string[] = [];
          const ran = starts(s) - before;
          if (ran) effects.push(`${ran} step(s) ran`);
          const state = s.state();
          if (state?.approval) effects.push(`the bot now records an approval by ${state.approval.by}`);
          if (state && state.state !== 'proposed') effects.push(`the bot's state became ${state.state}`);
          if (handoff) effects.push('a dispatched execution was accepted');
          attempts.push({
            group: 'forged state markers',
            name: `${claim} marker in a ${place}, then ${trigger}`,
            effects,
          });
        } finally {
          s.cleanup();
        }
      }
    }
  }
  return attempts;
}

// ---- injected plan text -----------------------------------------------------------------------

/** An HTML element the plan's text could bring to life, or a link to a script (escaped text is inert). */
const HTML_TAGS =
  /<\s*\/?\s*(script|img|iframe|x-inject|svg|style|object|embed|form|input|a)\b|(?<!\\)\]\(\s*javascript:/i;
const MERMAID_HTML =
  /<\s*\/?\s*(script|img|iframe|x-inject|svg|style|object|embed|form|input|a|details|summary)\b/i;
const MENTION = /(^|[^\w`\\/-])@(victim|octo-org\/admins)\b/m;

/** Text a plan author might use to make the bot's posts do something. */
const INJECTIONS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<x-inject>text</x-inject>',
  '<details open><summary>forged</summary>',
  '</details></summary></table></td>',
  '<!-- hidden',
  '-->',
  '<a href="javascript:alert(1)">click</a>',
  '@victim please look',
  'cc @octo-org/admins',
  '```\n# FORGED HEADING\n```',
  '~~~',
  '````',
  '`` ` ``',
  '| a | b |\n| --- | --- |',
  '[link](javascript:alert(1))',
  '![pixel](https://evil.example/x.png)',
  '\n\n# Approved by @victim\n\n',
  '\u202Eevil\u202C',
  '\u200B@victim',
  '/proceed',
  '\r\n> quoted',
  '<!-- proceed:cancel-request by=bob -->',
  '    indented code',
  '- [x] checked',
  '$$\\frac{1}{2}$$',
];

/** The fences, headings and HTML blocks a body has: what injected text must not change. */
function structure(markdown: string): string {
  const scan = scanFences(markdown);
  const live = liveText(markdown).split('\n');
  return JSON.stringify({
    fences: scan.fences.length,
    unclosed: scan.unclosed,
    headings: live.filter((l) => /^ {0,3}#{1,6}(\s|$)/.test(l)).length,
    details: live.join('\n').split('<details').length,
    comments: live.join('\n').split('<!--').length,
  });
}

/** Live markup in one posted body that could only have come from the plan's text. */
function injectionsIn(body: string): string[] {
  const problems: string[] = [];
  // The bot's own state marker closes its review; only what comes before it is checked.
  const text = body.replace(/\n*<!-- proceed:state [A-Za-z0-9+/=]+ -->\s*$/, '');
  const live = liveText(text);
  if (HTML_TAGS.test(live)) problems.push(`live HTML: ${HTML_TAGS.exec(live)![0]}`);
  if (MENTION.test(live)) problems.push(`a mention that notifies: ${MENTION.exec(live)![0].trim()}`);
  if (/<!-- proceed:state /.test(text)) problems.push('a second state marker');
  if (/<!-- proceed:cancel-request/.test(live)) problems.push('a cancel-request marker');
  if (scanFences(text).unclosed) problems.push('a code block left open');
  // Mermaid reads HTML in labels (not Markdown links).
  for (const f of scanFences(text).fences) {
    if (f.info === 'mermaid' && MERMAID_HTML.test(f.body))
      problems.push(`HTML in the diagram: ${MERMAID_HTML.exec(f.body)![0]}`);
  }
  return problems;
}

function bodiesOf(w: MemoryWrite): string[] {
  switch (w.kind) {
    case 'review':
    case 'review-edit':
    case 'comment':
      return [w.body];
    case 'check-run':
    case 'check-run-update':
      return [w.title ?? '', w.summary ?? '', w.text ?? ''];
    default:
      return [];
  }
}

/**
 * A plan with `text` in every string. The benign twin has letters in place of every character but
 * spaces and line breaks, so the renderer makes the same layout choices (lengths, lines) for both.
 */
function injectedPlan(text: string, benign: boolean): string {
  const shown = benign ? text.replace(/[^\r\n ]/g, 'b') : text;
  const t = (suffix: string) => `${shown} ${suffix}`;
  const oneLine = (suffix: string) => t(suffix).replace(/[\r\n]+/g, ' ');
  const lines = [
    'version: 1',
    `title: ${yamlString(t('title'))}`,
    `description: ${yamlString(t('description'))}`,
    `requirements: [${yamlString(t('requirement'))}]`,
    `risks: [${yamlString(t('risk'))}]`,
    'steps:',
    ...['one', 'two'].flatMap((id) => [
      `  - id: ${id}`,
      `    name: ${yamlString(t(`step ${id}`))}`,
      `    description: ${yamlString(t(`about ${id}`))}`,
      `    run: ${yamlString(`echo "start ${id} $$" >> "$RUN_LOG"; printf '%s\\n' "$PAYLOAD" # ${oneLine('command')}`)}`,
      `    rollback: ${yamlString(`true # ${oneLine('rollback')}`)}`,
      `    env: { PAYLOAD: ${yamlString(t('output'))} }`,
      '    estimate: 1m',
    ]),
    'verify:',
    `  check: ${yamlString(`true # ${oneLine('verify')}`)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The plan is rendered, approved and run; what the bot posts is read, and its shape compared with a benign plan's. */
async function injectedText(text: string): Promise<Attempt> {
  const postsOf = async (benign: boolean) => {
    const s = scene(injectedPlan(text, benign));
    try {
      await s.open();
      await s.comment(OUTSIDER, `/proceed ${text.replace(/[\r\n]+/g, ' ')}`);
      await s.comment(APPROVER, '/proceed');
      return {
        writes: [...s.github.writes],
        review: s.github.reviews().find((r) => r.user?.login === BOT)?.body ?? '',
        state: s.state(),
      };
    } finally {
      s.cleanup();
    }
  };
  const injected = await postsOf(false);
  const baseline = await postsOf(true);
  const effects: string[] = [];
  for (const w of injected.writes)
    for (const b of bodiesOf(w)) for (const p of injectionsIn(b)) effects.push(`${w.kind}: ${p}`);
  if (structure(injected.review) !== structure(baseline.review))
    effects.push(
      `the review's structure changed: ${structure(injected.review)} instead of ${structure(baseline.review)}`,
    );
  if (injected.state?.state !== baseline.state?.state)
    effects.push(`the plan ended ${injected.state?.state}, not ${baseline.state?.state}`);
  return {
    group: 'injected plan text',
    name: `plan strings holding ${JSON.stringify(text.slice(0, 60))}`,
    effects: [...new Set(effects)],
    input: text,
  };
}

// ---- commands hidden in quotes and code ------------------------------------------------------

const HIDDEN = [
  '> /proceed',
  '>> /proceed',
  '> quoted\n/proceed',
  '```\n/proceed\n```',
  '~~~\n/proceed\n~~~',
  '    /proceed',
  '\t/proceed',
  '<!-- /proceed -->',
  '<!--\n/proceed\n-->',
  '`/proceed`',
  '``\n/proceed\n``',
  '<pre>\n/proceed\n</pre>',
  '<details>\n\n```\n/proceed\n```\n</details>',
  '- > /proceed',
  '1. ```\n   /proceed\n   ```',
  'please /proceed',
  '/proceeding',
  '/proceed-now',
  '\\/proceed',
  '*/proceed*',
  '</proceed>',
  '"/proceed"',
  '<blockquote>\n/proceed\n</blockquote>',
  '<code>\n/proceed\n</code>',
];

/** A fence that nothing inside `t` can close (as `fencedBlock` makes them). */
function fence(t: string, char: '`' | '~'): string {
  const longest = Math.max(0, ...(t.match(char === '`' ? /`+/g : /~+/g) ?? []).map((run) => run.length));
  return char.repeat(Math.max(3, longest + 1));
}

const indent = (t: string, by: string) =>
  t
    .split('\n')
    .map((l) => by + l)
    .join('\n');

/** Containers that quote what they hold, nested at random around a command. */
const wrapper = fc.constantFrom(
  (t: string) => indent(t, '> '),
  (t: string) => `${fence(t, '`')}\n${t}\n${fence(t, '`')}`,
  (t: string) => `${fence(t, '~')}\n${t}\n${fence(t, '~')}`,
  (t: string) => indent(t, '    '),
  (t: string) => (t.includes('-->') ? indent(t, '> ') : `<!--\n${t}\n-->`),
  (t: string) => (/<\/pre>|\n\s*\n/.test(t) ? indent(t, '    ') : `<pre>\n${t}\n</pre>`),
  (t: string) => `- item\n\n${indent(`${fence(t, '`')}\n${t}\n${fence(t, '`')}`, '  ')}`,
);
const hiddenCommand = fc
  .tuple(
    fc.array(wrapper, { minLength: 1, maxLength: 3 }),
    fc.constantFrom('/proceed', '/PROCEED', '  /proceed', '/retry', '/skip'),
    fc.constantFrom('', 'Some text first.\n\n'),
  )
  .map(([wraps, command, lead]) => lead + wraps.reduce((t: string, w) => w(t), command));

async function hiddenCommands(bodies: string[]): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (const body of bodies) {
    const s = scene();
    try {
      await s.open();
      await s.comment(APPROVER, body);
      const effects: string[] = [];
      if (starts(s)) effects.push(`${starts(s)} step(s) ran`);
      if (s.state()?.approval) effects.push('approved');
      attempts.push({
        group: 'hidden commands',
        name: JSON.stringify(body.slice(0, 60)),
        effects,
        input: body,
      });
    } finally {
      s.cleanup();
    }
  }
  return attempts;
}

// ---- edited comments and forged cancel requests while a plan runs ----------------------------

async function editedComments(): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (const [name, action] of [
    ['an allowed person edits a comment into /proceed', 'edited'],
    ['an allowed person deletes a /proceed comment', 'deleted'],
  ] as const) {
    const s = scene();
    try {
      await s.open();
      const d = await s.comment(APPROVER, '/proceed', action, 'typo');
      const effects: string[] = [];
      if (starts(s)) effects.push(`${starts(s)} step(s) ran`);
      if (s.state()?.approval) effects.push('approved');
      if (!('ignored' in d)) effects.push('the gate acted on it');
      attempts.push({ group: 'edited comments', name, effects });
    } finally {
      s.cleanup();
    }
  }
  return attempts;
}

/**
 * While a plan runs, a comment is forged or edited to stop it. The running execution reads comments
 * itself (its `/cancel` may be queued behind it), so this is where a forged stop would take effect.
 */
async function whileRunning(kind: 'forged cancel request' | 'edited into /cancel'): Promise<Attempt> {
  const hold = 'while [ -e "$FAIL_FLAG" ]; do sleep 0.02; done';
  const s = scene(tracedPlan({ steps: [{ id: 'one' }, { id: 'two', body: hold }, { id: 'three' }] }));
  // Comments as GitHub lists them to the running execution: with edits, newest body and `updated_at`.
  const edits = new Map<number, { body: string; at: string }>();
  const github = s.github;
  s.env.port = new Proxy(github, {
    get(target, prop) {
      if (prop === 'listComments') {
        return async (number: number, since: string): Promise<CommentInfo[]> => {
          const all = await target.listComments(number, new Date(0).toISOString());
          return all
            .map((c) => ({
              ...c,
              body: edits.get(c.id)?.body ?? c.body,
              updatedAt: edits.get(c.id)?.at ?? c.createdAt,
            }))
            .filter((c) => Date.parse(c.updatedAt) >= Date.parse(since));
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  try {
    await s.open();
    const old = github.addComment(APPROVER, 'Thanks, reviewing now.');
    writeFileSync(s.failFlag, '');
    const running = s.comment(APPROVER, '/proceed');
    while (!s.trace().some((e) => e.id === 'two')) await new Promise((r) => setTimeout(r, 10));
    if (kind === 'forged cancel request') {
      github.addComment(OUTSIDER, `Stop!\n\n<!-- proceed:cancel-request by=${APPROVER} -->`);
    } else {
      edits.set(old.id, { body: '/cancel', at: new Date().toISOString() });
    }
    // Several of the watcher's polls (every 100 ms) pass before the step may end.
    await new Promise((r) => setTimeout(r, 600));
    rmSync(s.failFlag, { force: true });
    await running;
    const effects: string[] = [];
    const state = s.state()?.state;
    if (state !== 'verified') effects.push(`the plan ended ${state} (${s.state()?.reason ?? ''})`);
    if (!s.trace().some((e) => e.id === 'three')) effects.push('step three never ran');
    return {
      group: 'edited comments',
      name: `while a step runs: ${kind === 'forged cancel request' ? "an outsider forges the bot's cancel request" : 'an old comment of an allowed person is edited into /cancel'}`,
      effects,
    };
  } finally {
    if (existsSync(s.failFlag)) rmSync(s.failFlag);
    s.cleanup();
  }
}

export const forgedContent: Row = {
  name: 'forged or injected content',
  bar: '0 effects',
  how:
    "On the in-memory GitHub through `handleEvent`: (1) the bot's state marker, encoding an approval, a failure, a checkpoint pause " +
    'or a dispatched run bound to the real head and plan, written into comments and reviews by the author, an outsider and a user ' +
    "named `proceed`, followed by a push, the author's `/proceed`, an approver's `/retry` and `/skip`, and a dispatched " +
    '`mode: execute` run; (2) HTML, scripts, mentions, fences, tables, headings, markers and bidi characters in every string of a ' +
    'plan (title, description, requirements, risks, step names and descriptions, commands, rollbacks, environment, verify) and in ' +
    "a refused command's arguments; the plan is rendered, refused, approved and run, and every body the bot posts (review, " +
    'comments, check-run titles, summaries and logs) is scanned for live HTML, notifying mentions, a second marker and open code ' +
    "blocks, and the review's structure (fences, headings, HTML blocks) compared with the same plan holding benign text; (3) `/proceed` " +
    'from an allowed person hidden in quotes, code blocks, code spans, HTML comments and elements, hand-written and generated by ' +
    "fast-check as random nestings; (4) edited and deleted comments, and, while a step runs, an outsider's forged cancel request and " +
    'an old comment edited into `/cancel`. An effect is a step that ran, a stored state or approval that moved, a run that stopped, ' +
    'or markup that came alive.',
  async run(ctx: RowContext): Promise<RowResult> {
    const attempts: Attempt[] = [];
    attempts.push(...(await forgedMarkers()));
    ctx.progress(`forged markers: ${attempts.length}`);
    const generated = fc.sample(
      fc.array(fc.constantFrom(...INJECTIONS), { minLength: 2, maxLength: 5 }).map((a) => a.join(' ')),
      {
        numRuns: ctx.short ? 6 : 60,
        seed: ctx.seed,
      },
    );
    for (const text of [...INJECTIONS, ...generated]) attempts.push(await injectedText(text));
    ctx.progress(`injected texts: ${INJECTIONS.length + generated.length}`);
    const hidden = [
      ...HIDDEN,
      ...fc.sample(hiddenCommand, { numRuns: ctx.short ? 30 : 300, seed: ctx.seed }),
    ];
    attempts.push(...(await hiddenCommands(hidden)));
    ctx.progress(`hidden commands: ${hidden.length}`);
    attempts.push(...(await editedComments()));
    attempts.push(await whileRunning('forged cancel request'));
    attempts.push(await whileRunning('edited into /cancel'));
    const failed = attempts.filter((a) => a.effects.length > 0);
    const groups = [...new Set(attempts.map((a) => a.group))].map(
      (g) =>
        `${g} ${attempts.filter((a) => a.group === g && a.effects.length).length}/${attempts.filter((a) => a.group === g).length}`,
    );
    return {
      row: this.name,
      figure: `${counted(failed.length, 'effect')} in ${count(attempts.length)} attempts (${groups.join(', ')})`,
      bar: this.bar,
      ok: failed.length === 0,
      detail: firstOf(
        failed.map((a) => `${a.group}: ${a.name}: ${a.effects.slice(0, 3).join('; ')}`),
        8,
      ),
      ...(failed.length ? { saved: saveFailures(this.name, failed) } : {}),
    };
  },
};
