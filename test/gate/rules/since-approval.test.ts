import { describe, expect, it } from 'vitest';
import { changedSinceApprovalNotice } from '../../../src/gate/rules/since-approval.js';

const A = '1'.repeat(40);
const B = '2'.repeat(40);

describe('the files changed since the approved commit', () => {
  it.each([
    [['scripts/migrate.sh'], /One file changed since the approved commit `1111111`.*`scripts\/migrate.sh`/],
    [[], /No file changed since the approved commit/],
    [undefined, /GitHub could not list the files changed/],
    [Array.from({ length: 25 }, (_, i) => `f${i}`), /25 files changed.*`f19`, and 5 more\./],
  ])('%j', (files, notice) => {
    expect(changedSinceApprovalNotice(A, B, files)).toMatch(notice);
  });
});
