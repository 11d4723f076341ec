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
  /** Same seed, same sequence of requests → same faults. */
  seed?: number;
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

export class FaultPlan {
  private readonly random: () => number;
  private readonly kinds: FaultKind[];
  private injected = 0;

  constructor(readonly options: FaultOptions) {
    if (!(options.rate >= 0 && options.rate <= 1))
      throw new Error(`fault rate must be within [0, 1], got ${options.rate}`);
    this.kinds = options.kinds?.length ? options.kinds : ['500', '502', 'secondary-rate-limit', 'timeout'];
    this.random = mulberry32(options.seed ?? 1);
  }

  /** The fault for this request, or undefined to let it through. */
  pick(request: FaultRequest): FaultKind | undefined {
    if (this.options.limit !== undefined && this.injected >= this.options.limit) return undefined;
    if (this.options.match && !this.options.match(request)) return undefined;
    if (this.random() >= this.options.rate) return undefined;
    this.injected++;
    return this.kinds[Math.floor(this.random() * this.kinds.length)] ?? this.kinds[0];
  }

  get count(): number {
    return this.injected;
  }
}
