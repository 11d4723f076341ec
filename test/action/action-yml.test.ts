/** action.yml is the Action's contract with workflows (SPEC §6): held against what the bundle reads and writes. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const action = parse(readFileSync(resolve(root, 'action.yml'), 'utf8')) as {
  runs: { using: string; main: string };
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { description: string }>;
};
const source = readFileSync(resolve(root, 'src/action/main.ts'), 'utf8');

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('declares the inputs of SPEC §6 with their defaults', () => {
    expect(action.inputs['github-token']?.default).toBe('${{ github.token }}');
    expect(action.inputs['plan-files']?.default).toBe('**/*.plan.yml,**/*.plan.yaml');
    expect(action.inputs['policy-file']?.default).toBe('.github/proceed.yml');
    expect(action.inputs.mode?.default).toBe('auto');
  });

  it('declares every input the entry point reads, and reads none it does not declare', () => {
    const read = new Set([...source.matchAll(/getInput\('([^']+)'/g)].map((m) => m[1]!));
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('declares exactly the outputs the entry point sets', () => {
    const set = new Set([...source.matchAll(/setOutput\('([^']+)'/g)].map((m) => m[1]!));
    expect([...set].sort()).toEqual(['next-step', 'plan-path', 'state']);
    expect(Object.keys(action.outputs).sort()).toEqual([...set].sort());
  });
});
