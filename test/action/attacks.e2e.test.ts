/**
 * Issue 12's attacks end to end: each one played through the committed Action bundle against the
 * OpenAPI-checked fake GitHub and a real git server (the scenes of the reliability row "attacks"),
 * and each must get the attacker nothing.
 */
import { describe, expect, it } from 'vitest';
import { ATTACKS } from '../../reliability/rows/attacks.js';

describe.concurrent('attacks on the gate (issue 12)', () => {
  it.each(ATTACKS.map((a) => [a.kind, a] as const))(
    '%s gets the attacker nothing',
    { timeout: 600_000 },
    async (_kind, attack) => {
      const outcome = await attack.play({ short: false });
      expect(outcome.problems).toEqual([]);
      expect(outcome.bypass).toEqual([]);
    },
  );
});
