/** The lifecycle of a plan on a pull request (SPEC §3). */
export const LIFECYCLE_STATES = [
  'proposed',
  'approved',
  'executing',
  'paused',
  'failed',
  'cancelled',
  'verifying',
  'verified',
  'verify-failed',
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];
