/** Seeded fault injection: which requests fail, and how GitHub would fail them. */

export type FaultKind =
  '500' | '502' | 'secondary-rate-limit' | 'rate-limit' | 'timeout' | 'connection-reset';

export interface FaultRequest {
  method: string;
  path: string;
  operationId: string;
}

export interface FaultOptions {
  /** Probability in [0, 1] that a valid request is faulted. */
  rate: number;
  kinds?: FaultKind[];
  /**
   * Same seed → same faults. The draw for a request depends on the seed, the request's method and
   * path, and how many requests for that method and path came before, never on how requests to
   * different paths interleave, so concurrent reads and timing do not change which request fails.
   */
  seed?: number;
  /**
   * At most this many faults in a row for one method and path; the next try goes through. Models
   * GitHub's transient faults (a retry soon succeeds) so that a run's outcome depends on the seed,
   * not on luck with the client's retries; leave it unset for faults without a bound.
   */
  maxConsecutive?: number;
  /** How long a 'timeout' holds the response before answering 504 (default 200 ms). */
  timeoutMs?: number;
  /** Seconds in `retry-after` of a secondary rate limit (default 1, GitHub's usual minimum). */
  retryAfterSeconds?: number;
  /** Only requests for which this returns true may be faulted. */
  match?: (request: FaultRequest) => boolean;
  /** Stop after this many faults. */
  limit?: number;
  /**
   * Fail after the work: the request is carried out, then its answer is replaced by the fault, as
   * when GitHub did the work and a gateway lost the answer (a retry can then post twice). Default:
   * before, changing nothing.
   */
  after?: boolean;
}

/** mulberry32: tiny, seedable and good enough to pick faults reproducibly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string, mixed with a seed: a 32-bit seed for one request's draw. */
function requestSeed(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class FaultPlan {
  private readonly kinds: FaultKind[];
  private injected = 0;
  /** Per method and path: how many requests were seen, and how many of the last ones in a row failed. */
  private readonly seen = new Map<string, { count: number; run: number }>();

  constructor(readonly options: FaultOptions) {
    if (!(options.rate >= 0 && options.rate <= 1))
      throw new Error(`fault rate must be within [0, 1], got ${options.rate}`);
    if (options.maxConsecutive !== undefined && !(options.maxConsecutive >= 0))
      throw new Error(`maxConsecutive must be 0 or more, got ${options.maxConsecutive}`);
    this.kinds = options.kinds?.length ? options.kinds : ['500', '502', 'secondary-rate-limit', 'timeout'];
  }

  /** The fault for this request, or undefined to let it through. */
  pick(request: FaultRequest): FaultKind | undefined {
    if (this.options.match && !this.options.match(request)) return undefined;
    const key = `${request.method} ${request.path}`;
    const seen = this.seen.get(key) ?? { count: 0, run: 0 };
    this.seen.set(key, seen);
    const random = mulberry32(requestSeed(this.options.seed ?? 1, `${key} #${seen.count++}`));
    const drawn = random() < this.options.rate;
    const capped = this.options.maxConsecutive !== undefined && seen.run >= this.options.maxConsecutive;
    const spent = this.options.limit !== undefined && this.injected >= this.options.limit;
    if (!drawn || capped || spent) {
      seen.run = 0;
      return undefined;
    }
    seen.run++;
    this.injected++;
    return this.kinds[Math.floor(random() * this.kinds.length)] ?? this.kinds[0];
  }

  get count(): number {
    return this.injected;
  }
}
