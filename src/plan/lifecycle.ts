/**
 * The names of a plan's lifecycle states on a pull request (SPEC §3). Only the names live here, at the
 * bottom of the layers, so the renderers can label them; the transitions between them are the gate's
 * (src/gate/lifecycle.ts).
 */
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
