/** Who may pass a checkpoint that names its approvers (issue 15). */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/gate/authorize.js';
import {
  checkpointRefusal,
  checkpointWhoMay,
  recordConfirmation,
} from '../../../src/gate/rules/checkpoint-approvers.js';
import { checkpointApprovers, planSchema } from '../../../src/plan/schema.js';

const actor = (login: string, permission: Actor['permission'], teams: string[] = []): Actor => ({
  login,
  type: 'User',
  permission,
  teams,
});

const plan = planSchema.parse({
  version: 1,
  title: 't',
  steps: [
    { id: 'plain', name: 'Plain', checkpoint: true },
    {
      id: 'migrate',
      name: 'Execute migration',
      checkpoint: {
        approvers: { permission: 'maintain', teams: ['@octo-org/dba'], users: ['dave'], count: 2 },
      },
    },
  ],
});
const approvers = checkpointApprovers(plan.steps[1]!)!;

describe('a checkpoint with approvers', () => {
  it('is read from the plan, the plain forms having none', () => {
    expect(checkpointApprovers(plan.steps[0]!)).toBeUndefined();
    expect(approvers).toEqual({ permission: 'maintain', teams: ['octo-org/dba'], users: ['dave'], count: 2 });
    expect(
      planSchema.safeParse({ ...plan, steps: [{ name: 'a', checkpoint: { approvers: { count: 0 } } }] })
        .success,
    ).toBe(false);
    expect(planSchema.safeParse({ ...plan, steps: [{ name: 'a', checkpoint: { who: [] } }] }).success).toBe(
      false,
    );
  });

  it('lets only the named people and team members with the permission pass', () => {
    expect(
      checkpointRefusal(approvers, actor('erin', 'maintain', ['octo-org/dba']), 'migrate'),
    ).toBeUndefined();
    expect(checkpointRefusal(approvers, actor('dave', 'admin'), 'migrate')).toBeUndefined();
    expect(checkpointRefusal(approvers, actor('bob', 'maintain'), 'migrate')).toBe(
      '`bob` is not one of the people the plan names for the checkpoint before `migrate`.',
    );
    expect(checkpointRefusal(approvers, actor('dave', 'write'), 'migrate')).toBe(
      '`dave` has write access; the checkpoint before `migrate` needs maintain access or more.',
    );
  });

  it('says who may', () => {
    expect(checkpointWhoMay(approvers)).toBe(
      'people with maintain access or more who are `dave`, or belong to `octo-org/dba` (2 of them must confirm)',
    );
  });

  it('keeps one confirmation per person, for the step waiting', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    const first = recordConfirmation([{ step: 'other', by: 'x', at: '' }], 'migrate', 'dave', t);
    expect(first.map((c) => c.by)).toEqual(['dave']);
    expect(recordConfirmation(first, 'migrate', 'DAVE', t)).toHaveLength(1);
    expect(recordConfirmation(first, 'migrate', 'erin', t).map((c) => c.by)).toEqual(['dave', 'erin']);
  });
});
