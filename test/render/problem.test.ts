import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/plan/diagnostics.js';
import { diagnosticList, renderPlanProblem } from '../../src/render/problem.js';

const diagnostic = (line: number, message: string): Diagnostic => ({
  severity: 'error',
  file: 'deploy/x.plan.yml',
  line,
  col: 1,
  path: 'steps',
  message,
});

describe('the review for a plan that cannot be approved', () => {
  it('lists the errors with their positions, inert', () => {
    const body = renderPlanProblem({
      kind: 'invalid',
      path: 'deploy/x.plan.yml',
      errors: [diagnostic(3, 'bad <b>@alice</b>')],
    });
    expect(body).toContain('`deploy/x.plan.yml:3:1: steps: bad <b>@alice</b>`');
  });

  it('keeps a list of huge diagnostics within a check run summary', () => {
    const errors = Array.from({ length: 100 }, (_, i) =>
      diagnostic(i + 1, `unexpected token ${'x'.repeat(70_000)}`),
    );
    const list = diagnosticList(errors);
    expect(list.length).toBeLessThan(60_000);
    expect(list).toContain('… and ');
    expect(list.split('\n')[0]!.length).toBeLessThan(600);
    const body = renderPlanProblem({ kind: 'invalid', path: 'deploy/x.plan.yml', errors });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('deploy/x.plan.yml:1:1');
  });
});
