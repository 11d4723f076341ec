import { describe, expect, it } from 'vitest';
import {
  formatDiagnostic,
  formatPath,
  sortDiagnostics,
  type Diagnostic,
} from '../../src/plan/diagnostics.js';

const base: Diagnostic = { severity: 'error', file: 'a.plan.yml', line: 3, col: 14, path: '', message: 'm' };

describe('formatDiagnostic', () => {
  it('prints an error as FILE:LINE:COL: path: message', () => {
    const d = { ...base, path: 'steps[2].timeout', message: 'must be a duration such as 90s, 10m or 1h30m' };
    expect(formatDiagnostic(d)).toBe(
      'a.plan.yml:3:14: steps[2].timeout: must be a duration such as 90s, 10m or 1h30m',
    );
  });

  it('prints a warning with "warning:" between the path and the message', () => {
    const d: Diagnostic = { ...base, severity: 'warning', path: 'steps[3]', message: 'has no command' };
    expect(formatDiagnostic(d)).toBe('a.plan.yml:3:14: steps[3]: warning: has no command');
  });

  it('leaves the path out for the document itself', () => {
    expect(formatDiagnostic({ ...base, message: 'the file is empty' })).toBe(
      'a.plan.yml:3:14: the file is empty',
    );
    expect(formatDiagnostic({ ...base, severity: 'warning', message: 'no verify' })).toBe(
      'a.plan.yml:3:14: warning: no verify',
    );
  });
});

describe('formatPath', () => {
  it('writes list indexes in brackets and keys after dots', () => {
    expect(formatPath(['steps', 2, 'timeout'])).toBe('steps[2].timeout');
    expect(formatPath(['verify', 'counts', 'run'])).toBe('verify.counts.run');
    expect(formatPath(['steps', 0, 'env', 'FOO'])).toBe('steps[0].env.FOO');
    expect(formatPath(['steps', 0, 'working-directory'])).toBe('steps[0].working-directory');
  });

  it('quotes keys that would otherwise read ambiguously', () => {
    expect(formatPath(['env', 'A B'])).toBe('env["A B"]');
    expect(formatPath(['env', 'a.b'])).toBe('env["a.b"]');
    expect(formatPath(['1x'])).toBe('["1x"]');
  });

  it('is empty for the document itself', () => {
    expect(formatPath([])).toBe('');
  });
});

describe('sortDiagnostics', () => {
  it('orders by line then column and keeps ties in their original order', () => {
    const a = { ...base, line: 5, col: 1, message: 'a' };
    const b = { ...base, line: 2, col: 9, message: 'b' };
    const c = { ...base, line: 2, col: 3, message: 'c' };
    const d = { ...base, line: 2, col: 3, message: 'd' };
    expect(sortDiagnostics([a, b, c, d]).map((x) => x.message)).toEqual(['c', 'd', 'b', 'a']);
  });
});
