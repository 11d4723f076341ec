import { describe, expect, it } from 'vitest';
import { diffPlans } from '../../src/plan/delta.js';
import { planSchema, type Plan, type PlanInput } from '../../src/plan/schema.js';
import { renderPlanDelta } from '../../src/render/delta.js';
import { scanFences } from '../support/markdown-structure.js';

const SHA = 'abc1234def5678900000000000000000000000000';

function plan(steps: PlanInput['steps']): Plan {
  return planSchema.parse({ version: 1, title: 'Migrate', steps });
}

const BASE: PlanInput['steps'] = [
  { id: 'backup', name: 'Back up', run: 'pg_dump > backup.sql' },
  { id: 'migrate', name: 'Migrate', run: 'psql -f 001.sql\npsql -f 002.sql', timeout: '5m' },
];

describe('renderPlanDelta', () => {
  it('says which step’s command changed since which commit, with a small diff of its lines', () => {
    const after = plan([BASE[0]!, { ...BASE[1]!, run: 'psql -f 001.sql\npsql -f 003.sql', timeout: '10m' }]);
    const md = renderPlanDelta(diffPlans(plan(BASE), after), { sha: SHA });
    expect(md).toContain('### 🔀 Changed since the plan you may have approved (commit `abc1234`)');
    expect(md).toContain('Step 2 `migrate` (Migrate): command changed; timeout `5m` → `10m`');
    expect(md).toContain('```diff\n    psql -f 001.sql\n  - psql -f 002.sql\n  + psql -f 003.sql\n  ```');
    expect(md).not.toContain('backup');
  });

  it('lists added, removed and moved steps', () => {
    const after = plan([{ id: 'seed', name: 'Seed', run: 'make seed' }, BASE[1]!]);
    const md = renderPlanDelta(diffPlans(plan(BASE), after), { sha: SHA });
    expect(md).toContain('- ➕ Step 1 `seed` (Seed) added');
    expect(md).toContain('- ➖ Step `backup` (Back up) removed (it was step 1)');
    const moved = renderPlanDelta(diffPlans(plan(BASE), plan([BASE[1]!, BASE[0]!])), { sha: SHA });
    expect(moved).toMatch(/↕️ Step `(backup|migrate)` \(.*\) moved from position [12] to [12]/);
  });

  it('keeps plan text inert: a command that tries to close the fence or open a comment stays inside it', () => {
    const hostile = plan([BASE[0]!, { ...BASE[1]!, run: 'echo ```\n<!-- x -->\n@admin' }]);
    const md = renderPlanDelta(diffPlans(plan(BASE), hostile), { sha: SHA });
    expect(md).not.toContain('<!--');
    const scan = scanFences(md);
    expect(scan.unclosed).toBe(false);
    expect(scan.fences.find((f) => f.info === 'diff')?.body).toContain('+ echo ```');
    expect(scan.outside.join('\n')).not.toContain('@admin');
  });

  it('says so when the earlier plan cannot be read back, and when only formatting changed', () => {
    expect(renderPlanDelta(undefined, { sha: SHA })).toMatch(/could not be read back.*review the whole plan/);
    expect(renderPlanDelta(diffPlans(plan(BASE), plan(BASE)), { sha: SHA })).toMatch(
      /no step, command or setting did/,
    );
  });

  it('stays within its budget: first without the diffs, then with as many changes as fit', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      id: `s${i}`,
      name: `Step ${i}`,
      run: Array.from({ length: 30 }, (_, j) => `echo ${i} ${j}`).join('\n'),
    }));
    const changed = many.map((s) => ({ ...s, run: `${s.run}\necho more` }));
    const delta = diffPlans(plan(many), plan(changed));
    const small = renderPlanDelta(delta, { sha: SHA, maxLength: 3_000 });
    expect(small.length).toBeLessThanOrEqual(3_000);
    expect(small).not.toContain('```diff');
    const tiny = renderPlanDelta(delta, { sha: SHA, maxLength: 800 });
    expect(tiny.length).toBeLessThanOrEqual(800);
    expect(tiny).toMatch(/… \d+ more change\(s\): compare the plan file with `abc1234`/);
  });
});
