/**
 * Publishing beside the work. Only what a guarantee needs waits for GitHub: the lock before the
 * first step, and step k's result before step k + 1 (so that a resume never runs a succeeded step
 * again). Everything else — a step's `in_progress` check run, the review's progress, the gate's
 * "verifying", the 👀 reaction — is handed to a publisher, which keeps the newest wanted state of
 * each object (a check run, the review, a reaction) and brings GitHub up to it:
 *
 * - one write at a time, objects in the order they were first wanted, an object someone waits for
 *   (`settle`) first;
 * - never out of order for one object: its next write starts after the one in flight;
 * - a state that became stale before it went out is never sent: a step that finished before its
 *   `in_progress` create went out is created once, completed;
 * - `flush` before the job ends or pauses, and on the failure paths.
 *
 * A wanted state is a function that writes it (it reads what earlier writes of the object left, such
 * as a check run's id, when it runs). The publisher has no timers: it is driven by its callers and
 * by GitHub's answers, so its tests need neither sleeps nor clocks.
 */

/** Writes one object's wanted state to GitHub. */
export type Sync = () => Promise<void>;

export interface Publisher {
  /** The newest wanted state of `key`: replaces one not yet sent, and goes out after the write in flight. */
  want(key: string, sync: Sync): void;
  /** Resolves once `key`'s newest wanted state is on GitHub (it goes next); rejects with its failure. */
  settle(key: string): Promise<void>;
  /** Resolves once every wanted state is on GitHub; rejects with the first that failed. */
  flush(): Promise<void>;
}

interface Tick {
  promise: Promise<void>;
  resolve: () => void;
}

function tick(): Tick {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface PublisherOptions {
  /**
   * Resolves when a write that nobody waits for may go out without delaying one that somebody does:
   * the door's budget of writes has room beyond the next step's result (client.ts, `Pacing.roomFor`).
   * While it waits, a newer state of the object replaces the waiting one, which is how a step that
   * finished meanwhile gets one check run, completed. Default: at once.
   */
  room?: () => Promise<void>;
}

export function createPublisher(o: PublisherOptions = {}): Publisher {
  // Insertion order is the order objects were first wanted since their last write.
  const pending = new Map<string, Sync>();
  const urgent = new Set<string>();
  /** Objects whose newest write failed, with its error (a later successful write clears it). */
  const failed = new Map<string, unknown>();
  let inFlight: string | undefined;
  let working = false;
  let written = tick();
  /** Resolved when someone starts waiting (`settle`, `flush`): a write waiting for room goes now. */
  let waited = tick();
  let flushing = 0;

  const next = (): string | undefined => {
    for (const key of urgent) if (pending.has(key)) return key;
    return pending.keys().next().value;
  };

  const work = async () => {
    for (let key = next(); key !== undefined; key = next()) {
      if (o.room && !flushing && !urgent.has(key)) {
        await Promise.race([o.room(), waited.promise]);
        key = next();
        if (key === undefined) break;
      }
      const sync = pending.get(key)!;
      pending.delete(key);
      urgent.delete(key);
      inFlight = key;
      try {
        await sync();
        failed.delete(key);
      } catch (err) {
        failed.set(key, err);
      }
      inFlight = undefined;
      const done = written;
      written = tick();
      done.resolve();
    }
    working = false;
  };

  const wake = () => {
    const w = waited;
    waited = tick();
    w.resolve();
  };

  const busy = (key: string) => pending.has(key) || inFlight === key;

  return {
    want(key, sync) {
      pending.set(key, sync);
      if (working) return;
      working = true;
      // Started on a microtask, so that wants in the same turn coalesce before anything is sent.
      void Promise.resolve().then(work);
    },
    async settle(key) {
      if (pending.has(key)) {
        urgent.add(key);
        wake();
      }
      while (busy(key)) await written.promise;
      if (failed.has(key)) throw failed.get(key);
    },
    async flush() {
      flushing++;
      wake();
      try {
        while (pending.size || inFlight !== undefined) await written.promise;
      } finally {
        flushing--;
      }
      for (const err of failed.values()) throw err;
    },
  };
}

/** A publisher whose writes are dropped once `stopped` says so (the lock was lost: another holder owns the objects). */
export function until(publisher: Publisher, stopped: () => boolean): Publisher {
  return {
    want: (key, sync) =>
      publisher.want(key, async () => {
        if (!stopped()) await sync();
      }),
    settle: (key) => publisher.settle(key),
    flush: () => publisher.flush(),
  };
}

/**
 * Runs `work`, then waits until what it published is on GitHub; on the failure path too, where the
 * error that stopped the work is the one thrown.
 */
export async function flushed<T>(publisher: Publisher, work: () => Promise<T>): Promise<T> {
  let value: T;
  try {
    value = await work();
  } catch (err) {
    await publisher.flush().catch(() => undefined);
    throw err;
  }
  await publisher.flush();
  return value;
}
