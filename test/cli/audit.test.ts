import { describe, expect, it } from 'vitest';
import { audit, renderAuditText } from '../../src/cli/audit.js';
import { AUDIT_VERSION, type AuditRecord } from '../../src/plan/audit-record.js';
import { memoryTerminal } from '../support/cli.js';

const record: AuditRecord = {
  proceedAudit: AUDIT_VERSION,
  repository: 'o/r',
  pullRequest: 7,
  commit: 'a'.repeat(40),
  plan: {
    path: 'deploy/m.plan.yml',
    hash: 'f'.repeat(64),
    title: 'Migrate',
    steps: [
      {
        id: 'migrate',
        name: 'Migrate \u001b[2J',
        run: 'psql -f 1.sql\necho \u001b]0;pwned\u0007',
        shell: 'bash',
        checkpoint: true,
      },
    ],
    verify: [],
  },
  approvals: [],
  checkpoints: [],
  interventions: [],
  jobs: [],
  steps: [],
  verifications: [],
  state: 'paused',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('proceed audit', () => {
  it('prints plan text with its control characters visible, never sent to the terminal', () => {
    const text = renderAuditText(record);
    const controls = [...text].filter((c) => c.charCodeAt(0) < 0x20 && c !== '\n');
    expect(controls).toEqual([]);
    expect(text).toContain('1. migrate: Migrate ⟨U+001B⟩[2J  [checkpoint before it]');
    expect(text).toContain('bash$ echo ⟨U+001B⟩]0;pwned⟨U+0007⟩');
    expect(text).toContain('Approvals\n  none recorded');
  });

  it('says what is wrong with its arguments, with the usage, exit 2', async () => {
    for (const [args, message] of [
      [[], 'give exactly one pull request number'],
      [['seven'], '"seven" is not a pull request number'],
      [['7', '--colour'], "Unknown option '--colour'"],
      [['7'], 'which repository? pass --repo OWNER/NAME or set GITHUB_REPOSITORY'],
    ] as const) {
      const t = memoryTerminal();
      expect(await audit([...args], t.term, { GITHUB_TOKEN: 'x' })).toBe(2);
      expect(t.err()).toContain(message);
      expect(t.err()).toContain('Usage: proceed audit PR');
    }
    const help = memoryTerminal();
    expect(await audit(['--help'], help.term, {})).toBe(0);
    expect(help.out()).toContain('--json');
  });
});
