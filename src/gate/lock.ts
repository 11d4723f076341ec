/**
 * At most one execution per pull request, arbitrated by GitHub: the lock for pull request N is the
 * ref `refs/proceed/locks/pr-N`, and whoever creates it holds the lock. The ref points at a lock
 * commit whose message names the holder (JSON, see `lockMessageSchema`), so a later run can tell a
 * holder that has ended from one still working. A stale holder — older than `maxAgeMs`, or a
 * workflow run that has completed, is gone, or moved on to a later attempt — is taken over with a
 * compare-and-swap: a new lock commit whose parent is the stale one, moved onto the ref without
 * force. GitHub accepts that only as a fast-forward of the ref's current value, so of two
 * processes recovering the same stale lock exactly one wins.
 *
 * An app instance has no workflow run GitHub could vouch for, so it promises a heartbeat instead
 * (`heartbeatMs` in its holder): while it holds the lock it moves the ref on to a fresh lock commit
 * every `heartbeatMs` (`HeldLock.beat`, the same compare-and-swap), and a holder whose last beat is
 * older than `MISSED_BEATS` intervals has died with its machine and is stale.
 */
import { z } from 'zod';
import { formatDuration } from '../plan/duration.js';
import { untrustedHolder, type CommitterIdentity } from './lock-trust.js';
import type { GitHubPort } from './port.js';

/** The ref name under `refs/` that the port's ref methods take; the lock of PR 7 is `proceed/locks/pr-7`. */
export const LOCK_REF_PREFIX = 'proceed/locks/pr-';

/** Takeovers and re-reads before giving up, when the lock changes hands under us every time. */
const MAX_ROUNDS = 5;
/** A holder that promised a heartbeat is stale once this many intervals pass without one. */
export const MISSED_BEATS = 4;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');

const holderIdentitySchema = z.object({
  kind: z.enum(['workflow-run', 'app']),
  /** The workflow run's id, or the app instance's. */
  id: z.string().min(1),
  url: z.string().optional(),
  /** The workflow run's attempt (`GITHUB_RUN_ATTEMPT`): a later attempt means this one has ended. */
  attempt: z.number().int().positive().optional(),
  /** The holder moves the lock on at least this often while it lives (app instances; see `beat`). */
  heartbeatMs: z.number().int().positive().optional(),
});

const lockHolderSchema = holderIdentitySchema.extend({
  /** When the lock was taken. */
  at: isoTime,
  /** The holder's last heartbeat, when it promised them. */
  beat: isoTime.optional(),
  /** The head commit being executed. */
  sha: z.string(),
});

/** What a lock commit's message holds. */
const lockMessageSchema = z.object({
  'proceed-lock': z.literal(1),
  pr: z.number().int(),
  holder: lockHolderSchema,
});

/** Who asks for the lock: the workflow run or app instance. */
export type HolderIdentity = z.infer<typeof holderIdentitySchema>;

/**
 * Who holds a lock, and since when. `unknown` is a lock commit whose message is not ours (hand-made,
 * or from an incompatible version): it counts as taken at the commit's committer date, and `id` is
 * the commit's SHA.
 */
export type LockHolder =
  | z.infer<typeof lockHolderSchema>
  | {
      kind: 'unknown';
      id: string;
      url?: undefined;
      attempt?: undefined;
      heartbeatMs?: undefined;
      beat?: undefined;
      at: string;
      sha: string;
    };

export interface HeldLock {
  /** The full ref name, `refs/proceed/locks/pr-N`. */
  ref: string;
  /** Our lock commit: the newest, after heartbeats. */
  readonly sha: string;
  holder: LockHolder;
  /**
   * Moves the lock on to a fresh lock commit saying "still here" (compare-and-swap). `lost` when
   * someone took it over meanwhile, having found us stale: whatever we run must stop.
   */
  beat(): Promise<'kept' | 'lost'>;
  /** Deletes the ref if it still points at our lock commit; a lock taken over meanwhile is left alone. */
  release(): Promise<void>;
}

export type Acquired =
  { acquired: true; lock: HeldLock } | { acquired: false; holder: LockHolder; ref: string };

export interface AcquireOptions {
  number: number;
  /** The head commit to execute; the lock commit reuses its tree. */
  headSha: string;
  holder: HolderIdentity;
  /** Older holders count as stale, whatever their workflow run says. */
  maxAgeMs: number;
  now?: () => Date;
}

/** Takes the pull request's lock, or says who holds it. */
export async function acquireLock(port: GitHubPort, o: AcquireOptions): Promise<Acquired> {
  const now = o.now ?? (() => new Date());
  const ref = LOCK_REF_PREFIX + String(o.number);
  const fullRef = `refs/${ref}`;
  let tree: string | undefined;
  const lockCommit = async (parents: string[], taken?: LockHolder) => {
    tree ??= await headTree(port, o.headSha, o.number);
    const { kind, id, url, attempt, heartbeatMs } = o.holder;
    const at = now().toISOString();
    const holder: LockHolder = {
      kind,
      id,
      url,
      attempt,
      heartbeatMs,
      at: taken?.at ?? at,
      beat: taken ? at : undefined,
      sha: o.headSha,
    };
    const message = JSON.stringify({ 'proceed-lock': 1, pr: o.number, holder });
    const { sha } = await port.createCommit({ message, tree, parents });
    return { sha, holder };
  };
  const held = (mine: { sha: string; holder: LockHolder }): Acquired => {
    let current = mine.sha;
    let lost = false;
    return {
      acquired: true,
      lock: {
        ref: fullRef,
        get sha() {
          return current;
        },
        holder: mine.holder,
        beat: async () => {
          if (lost) return 'lost';
          const next = await lockCommit([current], mine.holder);
          // A retried update whose first try did reach GitHub answers "not a fast-forward" about our own move.
          if (
            (await port.updateRef(ref, next.sha, false)) === 'updated' ||
            (await port.getRef(ref))?.sha === next.sha
          ) {
            current = next.sha;
            return 'kept';
          }
          lost = true;
          return 'lost';
        },
        release: async () => {
          // Not atomic: a takeover between these two calls would be deleted. Only a holder past
          // maxAgeMs or its heartbeats can be taken over, so that needs an overdue holder releasing at that instant.
          if (!lost && (await port.getRef(ref))?.sha === current) await port.deleteRef(ref);
        },
      },
    };
  };

  let create = true;
  // Our last lock commit offered to the ref (by create or by takeover).
  let attempted: { sha: string; holder: LockHolder } | undefined;
  let ours: CommitterIdentity | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (create) {
      attempted = await lockCommit([]);
      if ((await port.createRef(ref, attempted.sha)) === 'created') return held(attempted);
    }
    const current = await port.getRef(ref);
    // A retried create whose first try did reach GitHub answers "already exists" about our own ref,
    // and a retried takeover "not a fast-forward" about our own move.
    if (attempted && current?.sha === attempted.sha) return held(attempted);
    if (!current) {
      // Released between our attempt and our look: try again.
      create = true;
      continue;
    }
    const { holder, committer } = await readHolder(port, fullRef, current.sha, o.number);
    // Who the bot is, as GitHub records it: the committer of the lock commit we just made ourselves.
    if (attempted) ours ??= (await port.getCommit(attempted.sha))?.committer;
    const committers = ours ? { lock: committer, ours } : undefined;
    if (!(await isStale(port, holder, o.maxAgeMs, now(), committers)))
      return { acquired: false, holder, ref: fullRef };
    attempted = await lockCommit([current.sha]);
    if ((await port.updateRef(ref, attempted.sha, false)) === 'updated') return held(attempted);
    // Someone else moved or deleted it first: look again at who holds it now.
    create = false;
  }
  throw new Error(
    `Could not take the lock ${fullRef} of pull request #${o.number}: it changed hands ${MAX_ROUNDS} times while we tried. ` +
      'Try again; if it keeps happening, look for runs competing for this pull request.',
  );
}

/** Frees the pull request's lock whoever holds it (the pull request was closed). */
export async function forceReleaseLock(port: GitHubPort, number: number): Promise<void> {
  await port.deleteRef(LOCK_REF_PREFIX + String(number));
}

/** One line naming a holder, for refusals: `workflow run 1234 (https://…), taken 3m ago for abc1234`. */
export function describeHolder(holder: LockHolder, now: Date): string {
  const age = now.getTime() - Date.parse(holder.at);
  const when =
    age < 0
      ? `taken at ${holder.at}`
      : age < 1000
        ? 'taken just now'
        : `taken ${formatDuration(Math.floor(age / 1000) * 1000)} ago`;
  if (holder.kind === 'unknown') return `an unrecognised lock (commit ${holder.id.slice(0, 7)}), ${when}`;
  const who =
    holder.kind === 'workflow-run'
      ? `workflow run ${holder.id}${holder.attempt && holder.attempt > 1 ? ` (attempt ${holder.attempt})` : ''}`
      : `app instance ${holder.id}`;
  let alive = '';
  if (holder.heartbeatMs) {
    const seen = Math.max(0, now.getTime() - Date.parse(holder.beat ?? holder.at));
    const limit = MISSED_BEATS * holder.heartbeatMs;
    alive =
      `; last seen ${seen < 1000 ? 'just now' : `${formatDuration(Math.floor(seen / 1000) * 1000)} ago`}, ` +
      `and counted as ended once not seen for ${formatDuration(Math.max(1000, Math.ceil(limit / 1000) * 1000))}`;
  }
  return `${who}${holder.url ? ` (${holder.url})` : ''}, ${when}${holder.sha ? ` for ${holder.sha.slice(0, 7)}` : ''}${alive}`;
}

async function headTree(port: GitHubPort, headSha: string, number: number): Promise<string> {
  const head = await port.getCommit(headSha);
  if (!head) {
    throw new Error(
      `Cannot take the lock of pull request #${number}: commit ${headSha} is not in ${port.owner}/${port.repo}. ` +
        'Push the branch again, or re-run once GitHub has the commit.',
    );
  }
  return head.tree;
}

async function readHolder(
  port: GitHubPort,
  fullRef: string,
  sha: string,
  number: number,
): Promise<{ holder: LockHolder; committer: CommitterIdentity }> {
  const commit = await port.getCommit(sha);
  if (!commit) {
    throw new Error(
      `The lock ${fullRef} of pull request #${number} points at ${sha}, which is not a commit; ` +
        `nothing proceed made. Delete the ref (git push origin :${fullRef}) to free the lock.`,
    );
  }
  const parsed = lockMessageSchema.safeParse(parseJson(commit.message));
  const { committer } = commit;
  if (parsed.success && parsed.data.pr === number) return { holder: parsed.data.holder, committer };
  return { holder: { kind: 'unknown', id: sha, at: commit.committedAt, sha: '' }, committer };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether the holder has certainly ended (or overstayed); when GitHub cannot tell us, it has not. */
async function isStale(
  port: GitHubPort,
  holder: LockHolder,
  maxAgeMs: number,
  now: Date,
  committers?: Parameters<typeof untrustedHolder>[2],
): Promise<boolean> {
  if (untrustedHolder(holder, now, committers)) return true;
  if (now.getTime() - Date.parse(holder.at) > maxAgeMs) return true;
  if (
    holder.heartbeatMs &&
    now.getTime() - Date.parse(holder.beat ?? holder.at) > MISSED_BEATS * holder.heartbeatMs
  )
    return true;
  if (holder.kind !== 'workflow-run' || !/^\d+$/.test(holder.id)) return false;
  let run;
  try {
    run = await port.getWorkflowRun(Number(holder.id));
  } catch {
    // E.g. a token without `actions: read`: fall back to the age limit alone.
    return false;
  }
  if (!run) return true;
  if (run.status === 'completed') return true;
  return holder.attempt !== undefined && run.attempt > holder.attempt;
}
