/**
 * The lock session around anything that runs commands: take the pull request's lock (or say who holds
 * it), beat while holding it when the holder promised heartbeats, stop what runs when it is lost, and
 * release it at the end, whatever happened.
 */
import { parseDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import { acquireLock, describeHolder, type HeldLock, type HolderIdentity } from './lock.js';
import type { GateResult } from './publish.js';
import type { GateEnv, View } from './view.js';

/** A step without a timeout can run as long as a GitHub Actions job: six hours. */
const JOB_LIMIT_MS = 6 * 60 * 60 * 1000;

/**
 * Runs `body` holding the pull request's lock; when someone else holds it, `refused` answers instead
 * (given who). A holder that promised heartbeats (an app instance) beats while `body` runs; `body`'s
 * signal aborts if the lock is nevertheless taken over, so what it runs stops.
 */
export async function withPlanLock(
  env: GateEnv,
  view: View,
  holder: HolderIdentity,
  maxAgeMs: number,
  refused: (holder: string) => Promise<GateResult>,
  body: (lost: AbortSignal) => Promise<GateResult>,
): Promise<GateResult> {
  const lock = await acquireLock(env.port, {
    number: view.pr.number,
    headSha: view.pr.headSha,
    holder,
    maxAgeMs,
  });
  if (!lock.acquired) return refused(describeHolder(lock.holder, env.now?.() ?? new Date()));
  const lost = new AbortController();
  const heartbeat = holder.heartbeatMs ? startHeartbeat(env, lock.lock, holder.heartbeatMs, lost) : undefined;
  try {
    return await body(lost.signal);
  } finally {
    await heartbeat?.stop();
    await lock.lock.release();
  }
}

/** Beats every `intervalMs` until stopped; a lost lock aborts `lost`. A failed beat is retried at the next one. */
function startHeartbeat(env: GateEnv, lock: HeldLock, intervalMs: number, lost: AbortController) {
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating.then(async () => {
      if (lost.signal.aborted) return;
      try {
        if ((await lock.beat()) === 'lost') {
          clearInterval(timer);
          lost.abort(`the lock ${lock.ref} was taken over`);
        }
      } catch (err) {
        env.log(`Could not renew the lock ${lock.ref}: ${(err as Error).message}`);
      }
    });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await beating;
    },
  };
}

/** Longest a holder may keep the lock before it counts as stale: every timeout added up, or a job's limit. */
export function lockMaxAgeMs(plan: Plan): number {
  const total = plan.steps.reduce((sum, s) => sum + (s.timeout ? parseDuration(s.timeout) : JOB_LIMIT_MS), 0);
  return Math.min(total, JOB_LIMIT_MS) + 10 * 60 * 1000;
}
