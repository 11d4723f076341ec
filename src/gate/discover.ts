import picomatch from 'picomatch';
import type { ChangedFile } from './port.js';

export const DEFAULT_PLAN_GLOBS = ['**/*.plan.yml', '**/*.plan.yaml'];

export type PlanDiscovery =
  { kind: 'none' } | { kind: 'one'; path: string; blobSha: string } | { kind: 'many'; paths: string[] };

/** Splits the `plan-files` input (comma- or newline-separated globs). */
export function parseGlobList(text: string | undefined): string[] {
  const globs = (text ?? '')
    .split(/[,\n]/)
    .map((g) => g.trim())
    .filter(Boolean);
  return globs.length ? globs : DEFAULT_PLAN_GLOBS;
}

/** The plan among the files a pull request changes: one plan per pull request (SPEC §1). */
export function discoverPlan(files: ChangedFile[], globs: string[]): PlanDiscovery {
  const isPlan = picomatch(globs, { dot: true });
  const plans = files.filter((f) => f.status !== 'removed' && f.sha && isPlan(f.filename));
  if (plans.length === 0) return { kind: 'none' };
  if (plans.length > 1) return { kind: 'many', paths: plans.map((f) => f.filename).sort() };
  return { kind: 'one', path: plans[0]!.filename, blobSha: plans[0]!.sha! };
}
