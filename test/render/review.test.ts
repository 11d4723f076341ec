import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LifecycleState } from '../../src/gate/state.js';
import { planSchema } from '../../src/plan/schema.js';
import { breakCommentOpeners, revealInvisible } from '../../src/render/markdown.js';
import {
  certainlyLonger,
  composeReview,
  DEFAULT_MAX_LENGTH,
  renderReview,
  REVIEW_BUDGETS,
} from '../../src/render/review.js';
import { hostilePlan, hugePlan, migrationPlan } from './fixtures.js';
import { liveText, scanFences, tableAfter, tableCells } from '../support/markdown-structure.js';

const PROPOSED = { planPath: 'plans/migrate.plan.yml', state: 'proposed' as const };
const STEP_TABLE = '| # | Step | Estimate | Checkpoint | Status |';
const PROGRESS_TABLE = '| # | Step | Estimate | Actual | Checkpoint | Status |';

/** What the text between `heading` and the next heading says. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) return '';
  const rest = markdown.slice(start + heading.length + 2);
  const next = rest.search(/\n#{2,3} /);
  return next < 0 ? rest : rest.slice(0, next);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('renderReview presents the plan for approval', () => {
  const review = renderReview(migrationPlan(), { ...PROPOSED, verifyExtra: { audit: 'npm audit' } });

  it('starts with the title, the state, the plan path, the step count and the estimate', () => {
    expect(review.startsWith('## 📋 Migrate user data from MySQL to PostgreSQL\n')).toBe(true);
    expect(review).toContain('**⏳ Awaiting approval** · `plans/migrate.plan.yml` · 3 steps · ⏱️ 15m');
  });

  it('shows the description and the requirements as a list', () => {
    expect(review).toContain('\nMove the users table with at most 30 minutes of downtime.\n');
    expect(section(review, '### 📝 Requirements')).toContain(
      '- Data volume: \\~50,000 records\n- Downtime: at most 30 minutes',
    );
  });

  it('has a step table with number, name, estimate, checkpoint mark and status', () => {
    expect(tableAfter(review, STEP_TABLE)).toEqual([
      STEP_TABLE,
      '| ---: | --- | ---: | :---: | --- |',
      '| 1 | Schema analysis | 2m |  | ⚪ Pending |',
      '| 2 | Execute migration | 10m | ⏸️ | ⚪ Pending |',
      '| 3 | Cutover | 3m |  | ⚪ Pending |',
    ]);
  });

  it('puts each step’s command, description, directory, timeout, env and rollback in a collapsible block', () => {
    const first = review.slice(review.indexOf('<details>'), review.indexOf('</details>'));
    expect(first).toContain('<summary><b>1. Schema analysis</b> · <code>proceed/schema</code></summary>');
    expect(first).toContain('Export the MySQL schema and convert it.');
    expect(first).toContain('```bash\n./scripts/convert-schema.sh\n```');
    expect(first).toContain('**Working directory:** `db` · **Timeout:** 10m');
    expect(first).toContain('```sh\nTARGET=postgres\n```');
    expect(review).toContain(
      '<summary><b>2. Execute migration</b> · ⏸️ checkpoint · <code>proceed/execute-migration</code></summary>',
    );
    expect(review).toContain('**Rollback** (run by `/rollback`)\n\n```bash\n./scripts/rollback.sh\n```');
    expect(count(review, '<details>')).toBe(3);
    expect(count(review, '</details>')).toBe(3);
  });

  it('draws the flow as a Mermaid diagram', () => {
    const mermaid = scanFences(review).fences.find((f) => f.info === 'mermaid');
    expect(mermaid?.body).toContain('flowchart TD');
    expect(mermaid?.body).toContain('s3 --> verify');
  });

  it('states the total estimate under the table', () => {
    expect(review).toContain('⏱️ **Estimated time:** 15m');
  });

  it('lists the verify phase, the plan’s checks and those the repository policy adds', () => {
    const verify = section(review, '### 🔍 Verify');
    expect(verify).toContain('`proceed/verify`');
    expect(verify).toContain('| **audit** | `npm audit` | repository policy |');
    expect(verify).toContain('| **tests** | `npm test` | plan |');
    expect(verify).toContain('| **counts** | `./scripts/compare-counts.sh` · timeout 5m | plan |');
  });

  it('asks for approval like the pattern does, with the risks', () => {
    const ask = section(review, '### 🙋 Approval requested');
    expect(ask).toContain(
      '> This plan runs **3 steps** in order, then **4 checks** in the verify phase. Estimated time: **15m**.',
    );
    expect(ask).toContain('> - Data mismatch requiring rollback');
    expect(ask).toContain('> **Proceed with execution?**');
  });

  it('says how to proceed and where it will stop', () => {
    const how = section(review, '### ▶️ How to proceed');
    expect(how).toContain('**Approve** this pull request, or comment `/proceed`');
    expect(how).toContain('It stops before step 2 (**Execute migration**) and waits for `/proceed` again.');
    expect(how).toContain('`/plan`');
    expect(how).toContain('`/help`');
    expect(review.trimEnd().endsWith(how.trimEnd())).toBe(true);
  });

  it('reads as a tiny review', () => {
    const tiny = planSchema.parse({
      version: 1,
      title: 'Say hello',
      steps: [{ name: 'Greet', run: 'echo hi', estimate: '5s' }],
    });
    expect(renderReview(tiny, { planPath: 'hello.plan.yml', state: 'proposed' })).toMatchInlineSnapshot(`
      "## 📋 Say hello

      **⏳ Awaiting approval** · \`hello.plan.yml\` · 1 step · ⏱️ 5s

      ### 🪜 Steps

      | # | Step | Estimate | Checkpoint | Status |
      | ---: | --- | ---: | :---: | --- |
      | 1 | Greet | 5s |  | ⚪ Pending |

      ⏱️ **Estimated time:** 5s

      <details>
      <summary><b>1. Greet</b> · <code>proceed/greet</code></summary>

      \`\`\`bash
      echo hi
      \`\`\`

      </details>

      ### 🗺️ Flow

      \`\`\`mermaid
      flowchart TD
        approval(["👍 Approval"])
        s1["1. Greet<br/>~5s"]
        verify{"🔍 proceed/verify"}
        merge(["✅ Ready to merge"])
        approval --> s1
        s1 --> verify
        verify --> merge
      \`\`\`

      ### 🔍 Verify

      Runs after the last step, on the same commit. The \`proceed/verify\` check, which branch protection requires, passes only when every step and every check here passed.

      ⚠️ No checks: neither the plan nor the repository policy defines a verification.

      ### 🙋 Approval requested

      > This plan runs **1 step** in order. Estimated time: **5s**.
      >
      > **Proceed with execution?**

      ### ▶️ How to proceed

      - ✅ **Approve** this pull request, or comment \`/proceed\`, to run the plan on this commit. Only people the repository policy allows can start it.
      - 💬 \`/plan\` renders this plan again; \`/help\` lists the commands and who may use them.
      "
    `);
  });
});

describe('renderReview shows one verification once', () => {
  it('merges a check the plan repeats word for word from the policy', () => {
    const review = renderReview(migrationPlan(), { ...PROPOSED, verifyExtra: { tests: 'npm test' } });
    expect(review).toContain('| **tests** | `npm test` | plan, repository policy |');
    expect(count(review, '| **tests** |')).toBe(1);
  });

  it('keeps both when the policy runs a different command under the same name', () => {
    const review = renderReview(migrationPlan(), { ...PROPOSED, verifyExtra: { tests: 'npm run test:all' } });
    expect(count(review, '| **tests** |')).toBe(2);
  });

  it('says so when there is nothing to verify', () => {
    const review = renderReview(migrationPlan({ verify: undefined }), PROPOSED);
    expect(section(review, '### 🔍 Verify')).toContain('No checks');
  });

  it('puts multi-line checks in a collapsible block under the table', () => {
    const review = renderReview(
      migrationPlan({ verify: { smoke: 'curl -f localhost\ncurl -f localhost/health' } }),
      PROPOSED,
    );
    expect(review).toContain('| **smoke** | see below | plan |');
    expect(review).toContain(
      '<summary><b>smoke</b></summary>\n\n```bash\ncurl -f localhost\ncurl -f localhost/health\n```',
    );
  });
});

describe('renderReview totals the estimate', () => {
  const steps = [
    { name: 'A', run: 'a', estimate: '1m' },
    { name: 'B', run: 'b', estimate: '1m30s' },
    { name: 'C', run: 'c' },
  ];

  it('uses the plan’s own estimate when it has one', () => {
    expect(renderReview(migrationPlan({ estimate: '2h' }), PROPOSED)).toContain('⏱️ **Estimated time:** 2h');
  });

  it('sums the steps’ estimates otherwise', () => {
    const plan = migrationPlan({ estimate: undefined, steps: steps.slice(0, 2) });
    expect(renderReview(plan, PROPOSED)).toContain('⏱️ **Estimated time:** 2m30s\n');
  });

  it('says how many steps have estimates when some lack one', () => {
    const plan = migrationPlan({ estimate: undefined, steps });
    const review = renderReview(plan, PROPOSED);
    expect(review).toContain('⏱️ **Estimated time:** at least 2m30s (2 of 3 steps have estimates)');
    expect(review).toContain('| 3 | C | — |  | ⚪ Pending |');
  });

  it('says when nothing is estimated', () => {
    const plan = migrationPlan({ estimate: undefined, steps: [{ name: 'A', run: 'a' }] });
    expect(renderReview(plan, PROPOSED)).toContain('none (the step has no estimate)');
  });

  it('hides every estimate when show_estimated_time is false', () => {
    const review = renderReview(migrationPlan({ config: { show_estimated_time: false } }), {
      ...PROPOSED,
      state: 'executing',
      steps: { schema: { status: 'success', durationMs: 65_000 } },
    });
    expect(review).not.toContain('Estimate');
    expect(review).not.toContain('15m');
    expect(review).not.toContain('~2m');
    expect(review).toContain('| # | Step | Actual | Checkpoint | Status |');
    expect(review).toContain('| 1 | Schema analysis | 1m5s |  | ✅ Success |');
  });
});

describe('renderReview progress variant', () => {
  const review = renderReview(migrationPlan(), {
    ...PROPOSED,
    state: 'paused',
    steps: { schema: { status: 'success', durationMs: 112_000 }, 'execute-migration': { status: 'waiting' } },
    approval: { by: 'octocat', sha: 'abcdef1234567890' },
    notice: 'Paused before **Execute migration**.',
  });

  it('shows each step’s status and actual duration', () => {
    expect(tableAfter(review, PROGRESS_TABLE).slice(2)).toEqual([
      '| 1 | Schema analysis | 2m | 1m52s |  | ✅ Success |',
      '| 2 | Execute migration | 10m | — | ⏸️ | ⏸️ Waiting at checkpoint |',
      '| 3 | Cutover | 3m | — |  | ⚪ Pending |',
    ]);
    expect(review).toContain('⏱️ **Estimated time:** 15m · **Elapsed:** 1m52s');
  });

  it('shows the state, who approved which commit, and the bot’s notice', () => {
    expect(review).toContain('**⏸️ Paused at a checkpoint**');
    expect(review).toContain('Approved by **@\u200Boctocat** on `abcdef1`');
    expect(review).toContain('> [!IMPORTANT]\n> Paused before **Execute migration**.');
  });

  it('colours the diagram by status', () => {
    expect(review).toContain('class s1 success');
    expect(review).toContain('class s2 waiting');
  });

  it('keeps the risks but no longer asks for approval', () => {
    expect(review).not.toContain('Approval requested');
    expect(section(review, '### ⚠️ Risks')).toContain('- Data mismatch requiring rollback');
  });

  it('says how to go on from the checkpoint', () => {
    const how = section(review, '### ▶️ How to proceed');
    expect(how).toContain('Paused at a checkpoint before step 2 (**Execute migration**)');
    expect(how).toContain('`/proceed` to continue or `/cancel` to stop');
    expect(how).not.toContain('/skip');
  });
});

describe('renderReview says how to proceed in every state', () => {
  const how = (
    state: LifecycleState,
    steps?: Parameters<typeof renderReview>[1]['steps'],
    allowSkip = false,
  ) =>
    section(
      renderReview(migrationPlan({ config: { allow_skip: allowSkip } }), { ...PROPOSED, state, steps }),
      '### ▶️ How to proceed',
    );

  it('offers /cancel while executing and names the checkpoints still ahead', () => {
    const text = how('executing', { schema: { status: 'running' } });
    expect(text).toContain('`/cancel`');
    expect(text).toContain('It stops before step 2');
  });

  it('names no checkpoint that is already behind', () => {
    expect(
      how('executing', { schema: { status: 'success' }, 'execute-migration': { status: 'running' } }),
    ).not.toContain('It stops before');
  });

  it('offers /retry, /cancel and /rollback after a failure, and /skip only when allowed', () => {
    const steps = {
      schema: { status: 'success' as const },
      'execute-migration': { status: 'failure' as const },
    };
    const text = how('failed', steps);
    expect(text).toContain('`/retry` to run step 2 (**Execute migration**) again');
    expect(text).toContain('`/cancel`');
    expect(text).toContain('`/rollback`');
    expect(text).not.toContain('/skip');
    expect(how('failed', steps, true)).toContain('`/skip`');
  });

  it('offers /skip at a checkpoint when allow_skip is on', () => {
    expect(how('paused', undefined, true)).toContain('`/skip`');
  });

  it('marks the verify gate in the diagram once verified', () => {
    const review = renderReview(migrationPlan(), { ...PROPOSED, state: 'verified' });
    expect(review).toContain('class verify success');
  });

  it('says the pull request can merge once verified', () => {
    expect(how('verified')).toContain('`proceed/verify` is green');
  });

  it('says what blocks the merge when verification failed', () => {
    expect(how('verify-failed')).toContain('blocks the merge');
  });

  it('reports a cancellation', () => {
    expect(how('cancelled')).toContain('cancelled');
  });

  it('always lists /plan and /help', () => {
    for (const state of ['proposed', 'approved', 'verifying', 'failed', 'cancelled'] as const) {
      expect(how(state)).toContain('`/plan` renders this plan again; `/help` lists the commands');
    }
  });

  it('says every step is a checkpoint with checkpoint_between_steps', () => {
    const review = renderReview(migrationPlan({ config: { checkpoint_between_steps: true } }), PROPOSED);
    expect(section(review, '### ▶️ How to proceed')).toContain('It stops before every step after the first');
  });
});

describe("renderReview shows plan authors' plain Markdown", () => {
  it("renders code spans, emphasis and links in the plan's and the steps' descriptions and in the lists", () => {
    const plan = migrationPlan({
      description: 'Greets with `node main.mjs NAME`, see [the guide](https://example.com/guide).',
      requirements: ['**Node** 20 or newer'],
      steps: [
        { name: 'Greet', run: 'node main.mjs Ada', description: 'Prints _Hello, Ada_ with `greet()`.' },
      ],
    });
    const review = renderReview(plan, PROPOSED);
    expect(review).toContain('Greets with `node main.mjs NAME`, see [the guide](https://example.com/guide).');
    expect(review).toContain('- **Node** 20 or newer');
    expect(review).toContain('Prints _Hello, Ada_ with `greet()`.');
  });
});

describe('renderReview keeps plan text inert', () => {
  const plan = hostilePlan();
  const review = renderReview(plan, {
    ...PROPOSED,
    planPath: 'plans/<!--x-->@octocat.plan.yml',
    state: 'failed',
  });
  const live = liveText(review);

  it('contains no HTML comment opener anywhere, so the state marker cannot be forged', () => {
    expect(review).not.toContain('<!--');
  });

  it('lets no raw HTML from the plan through', () => {
    expect(live).not.toMatch(/<script|<img|<summary>pwned|<details open|<https/i);
    const tags = live.match(/<\/?[a-z][^>]*>/gi) ?? [];
    expect(new Set(tags)).toEqual(
      new Set(['<details>', '</details>', '<summary>', '</summary>', '<b>', '</b>', '<code>', '</code>']),
    );
  });

  it('closes each collapsible block only where the renderer does', () => {
    // One per step, and one per check too long or multi-line for the verify table.
    const longChecks = Object.values(plan.verify ?? {})
      .map((v) => (typeof v === 'string' ? v : v.run))
      .filter((run) => run.includes('\n') || run.length > 100).length;
    expect(longChecks).toBeGreaterThan(0);
    expect(count(live, '<details>')).toBe(plan.steps.length + longChecks);
    expect(count(live, '</details>')).toBe(plan.steps.length + longChecks);
  });

  it('pings nobody', () => {
    expect(live).not.toMatch(/@[A-Za-z0-9]/);
  });

  it('makes no image and no link but an http(s) one live', () => {
    // Plan authors' descriptions may link to http(s) pages (plainMarkdown); nothing else is a link.
    expect(live).not.toMatch(/(?<!\\)\]\((?!https?:\/\/)/);
    expect(live).not.toMatch(/(?<!\\)!\[/);
  });

  it('keeps every command whole inside its own fence', () => {
    const scan = scanFences(review);
    expect(scan.unclosed).toBe(false);
    const bodies = scan.fences.map((f) => f.body);
    for (const step of plan.steps) {
      expect(bodies).toContain(breakCommentOpeners(revealInvisible(step.run!)));
    }
  });

  it('keeps table rows on one line with the right number of cells', () => {
    const rows = tableAfter(review, STEP_TABLE);
    expect(rows).toHaveLength(plan.steps.length + 2);
    for (const row of rows) expect(tableCells(row), row).toHaveLength(5);
    const verifyRows = tableAfter(review, '| Check | Command | From |');
    expect(verifyRows).toHaveLength(Object.keys(plan.verify ?? {}).length + 2);
    for (const row of verifyRows) expect(tableCells(row), row).toHaveLength(3);
  });

  it('adds no heading of its own', () => {
    const headings = live.split('\n').filter((l) => l.startsWith('#'));
    for (const h of headings) expect(h).toMatch(/^(## 📋 |### (📝|🪜|🗺️|🔍|🙋|⚠️|▶️) )/);
  });

  it('shows hidden control and bidi characters instead of passing them on', () => {
    // eslint-disable-next-line no-control-regex
    expect(review).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u0000-\u0008\u000B-\u001F]/);
    expect(review).toContain('⟨U+202E⟩');
  });

  it('keeps Mermaid labels closed and free of backticks', () => {
    const mermaid = scanFences(review).fences.find((f) => f.info === 'mermaid')!;
    expect(mermaid.body).not.toContain('`');
    expect(mermaid.body).toContain('#quot;');
  });
});

describe('renderReview stays under the size limit', () => {
  const plan = hugePlan();

  function expectIntact(review: string, maxLength: number): void {
    expect(review.length).toBeLessThanOrEqual(maxLength);
    expect(review).toContain('### ▶️ How to proceed');
    expect(review).toContain('`/proceed`');
    expect(scanFences(review).unclosed).toBe(false);
    expect(count(review, '<details>')).toBe(count(review, '</details>'));
    expect(review).not.toContain('<!--');
  }

  it('fits a 50-step plan with 20 KB commands and 10 KB descriptions in GitHub’s limit', () => {
    const review = renderReview(plan, PROPOSED);
    expectIntact(review, DEFAULT_MAX_LENGTH);
    const rows = tableAfter(review, STEP_TABLE);
    expect(rows).toHaveLength(52);
    expect(review).toMatch(/… [\d,]+ more characters, see the plan file/);
    expect(review).toContain('shortened to fit');
  });

  it('fits 65,536 exactly when asked', () => {
    expectIntact(renderReview(plan, { ...PROPOSED, maxLength: 65_536 }), 65_536);
  });

  it('keeps the whole step table even in 10,000 characters', () => {
    const review = renderReview(plan, { ...PROPOSED, maxLength: 10_000, state: 'executing', steps: {} });
    expectIntact(review, 10_000);
    expect(tableAfter(review, PROGRESS_TABLE)).toHaveLength(52);
  });

  it('still fits, with "How to proceed", in 1,500 characters', () => {
    expectIntact(renderReview(plan, { ...PROPOSED, maxLength: 1_500 }), 1_500);
  });

  it('cuts text before fencing it, so a cut command keeps its fence and says what is missing', () => {
    const some = planSchema.parse({
      version: 1,
      title: 'Ten long steps',
      steps: Array.from({ length: 10 }, (_, i) => ({
        name: `Step ${i}`,
        run: `${'x'.repeat(9_999)}\n`.repeat(2),
      })),
    });
    const review = renderReview(some, PROPOSED);
    expectIntact(review, DEFAULT_MAX_LENGTH);
    // Shrinks only as far as needed: details and the diagram stay.
    expect(count(review, '<details>')).toBe(10);
    expect(review).toContain('```mermaid');
    const bodies = scanFences(review)
      .fences.filter((f) => f.info === 'bash')
      .map((f) => f.body);
    expect(bodies).toHaveLength(10);
    for (const body of bodies) expect(body.endsWith('…')).toBe(true);
    expect(review).toMatch(/_… [\d,]+ more characters, see the plan file_/);
  });

  it('leaves a plan that fits untouched', () => {
    const review = renderReview(migrationPlan(), PROPOSED);
    expect(review).not.toContain('shortened');
    expect(review).not.toContain('more characters');
  });
});

describe('renderReview skips only the budgets that cannot fit', () => {
  // Text that escaping shortens (CRLF, indentation, trailing newlines) next to text it lengthens.
  const piece = fc.constantFrom(
    'word ',
    'a',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '\n\n',
    '`',
    '```',
    '<!--',
    '@team',
    '&',
    '<',
    '*',
    '# ',
    '1. ',
    '\u202E',
    '\u0007',
    '😀',
    'é',
    '    indented\n',
  );
  const text = (max: number) => fc.array(piece, { maxLength: max }).map((parts) => parts.join(''));
  const plans = fc
    .record({
      description: fc.option(text(1500), { nil: undefined }),
      requirements: fc.option(fc.array(text(80), { maxLength: 12 }), { nil: undefined }),
      risks: fc.option(fc.array(text(80), { maxLength: 12 }), { nil: undefined }),
      steps: fc.array(
        fc.record({
          description: fc.option(text(1500), { nil: undefined }),
          run: fc.option(
            text(2500).map((t) => `x${t}`),
            { nil: undefined },
          ),
          rollback: fc.option(
            text(300).map((t) => `y${t}`),
            { nil: undefined },
          ),
          shell: fc.constantFrom('bash', 'sh', 'pwsh', 'python'),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map(({ steps, ...rest }) =>
      planSchema.parse({
        version: 1,
        title: 'Generated',
        ...rest,
        steps: steps.map((step, i) => ({ ...step, id: `step-${i}`, name: `Step ${i}` })),
      }),
    );

  it('never rules out a budget whose review is as short as the limit', () => {
    fc.assert(
      fc.property(
        plans,
        fc.constantFrom<LifecycleState>('proposed', 'executing', 'failed'),
        (plan, state) => {
          for (const budget of REVIEW_BUDGETS) {
            const length = composeReview(plan, { ...PROPOSED, state }, budget).length;
            expect(certainlyLonger(plan, budget, length)).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('renders what trying every budget in turn renders', () => {
    fc.assert(
      fc.property(plans, fc.integer({ min: 2_000, max: 40_000 }), (plan, maxLength) => {
        const opts = { ...PROPOSED, maxLength };
        const first = REVIEW_BUDGETS.map((b) => composeReview(plan, opts, b)).find(
          (body) => body.length <= maxLength,
        );
        fc.pre(first !== undefined);
        expect(renderReview(plan, opts)).toBe(first);
      }),
      { numRuns: 60 },
    );
  });

  it('rules out the wide budgets for a plan far over the limit', () => {
    const plan = hugePlan();
    expect(certainlyLonger(plan, REVIEW_BUDGETS[0]!, DEFAULT_MAX_LENGTH)).toBe(true);
    expect(certainlyLonger(plan, REVIEW_BUDGETS[1]!, DEFAULT_MAX_LENGTH)).toBe(true);
  });
});
