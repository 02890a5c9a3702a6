// The one SCAN loop. Every walk of the keyspace (the scanner, the bulk fix and delete jobs and
// their dry runs, the key browser's pages) goes through walkKeyspace: SCAN (never KEYS) from a
// cursor, the batch handed to the caller, whose follow-up commands (metadata, EXPIRE, UNLINK) run
// through the same throttle, one cancellation, one error path (errors leave as they came; the
// caller's withRedis classifies them).
//
// The gentle throttle budgets Redis time per command, not keys per command: it times every call,
// subtracts the connection's bare round trip (a PING), and sizes the next SCAN COUNT and the next
// batch so that no command it sends holds Redis longer than about 250 µs; after each command it
// pauses three times that command's round trip, so the walk keeps Redis busy a quarter of the time
// at most and a concurrent client waits behind at most one short command.
import "server-only";
import type Redis from "ioredis";

export class WalkCancelledError extends Error {
  override name = "WalkCancelledError";
}

/** How a walk paces itself: SCAN COUNT, batch sizes, concurrency and pauses. */
export interface Throttle {
  /** SCAN COUNT for the next call. */
  scanCount(): number;
  /** Keys per follow-up command (a metadata call, an EXPIRE pipeline, an UNLINK). */
  batchSize(): number;
  /** Follow-up commands that may await their reply at once. */
  readonly inFlight: number;
  /** Largest share of wall time the walk may keep Redis busy (1 = no pause). */
  readonly maxShare: number;
  /** A command's round trip in ms, for `units` keys (SCAN: the COUNT sent; `found`: keys it returned). */
  observe(kind: "scan" | "batch", units: number, ms: number, found?: number): void;
  /** Called once per walk before the first SCAN (the gentle throttle measures the bare round trip). */
  prepare?(redis: Redis): Promise<void>;
}

/** Fixed sizes: fast scans (maintenance windows) and dry runs. */
export class FixedThrottle implements Throttle {
  constructor(
    private readonly count: number,
    private readonly batch: number,
    readonly inFlight = 1,
    readonly maxShare = 1,
  ) {}
  scanCount(): number {
    return this.count;
  }
  batchSize(): number {
    return this.batch;
  }
  observe(): void {}
}

/** Target Redis time per command of a gentle walk (a margin under the 250 µs promised). */
export const GENTLE_COMMAND_BUDGET_MS = 0.2;

/** Per-unit cost samples kept per kind of command; the estimate is their 75th percentile. */
const WINDOW = 8;

/**
 * Sizes each command from the Redis time the previous ones took (round trip minus the bare round
 * trip of a PING), so every command stays within `budgetMs` of Redis time whatever the keys cost
 * (large values, module types, a busy server). The estimate is the 75th percentile of the last
 * few commands' cost per key: a real change in cost shows in most of them and is followed within
 * a few commands, while one round trip stretched by the client's own scheduling is not.
 */
export class BudgetThrottle implements Throttle {
  readonly inFlight = 1;
  private base = 0;
  /** Redis ms per SCAN slot and per key of a batch: recent samples, and a first guess before any. */
  private samples: Record<"scan" | "batch", number[]> = { scan: [], batch: [] };
  private readonly guess = { scan: 0.002, batch: 0.004 };
  private calls = 0;

  constructor(
    readonly budgetMs = GENTLE_COMMAND_BUDGET_MS,
    readonly maxShare = 0.25,
    private readonly limits = { scan: { min: 10, max: 1000 }, batch: { min: 1, max: 500 } },
    /**
     * For walks that share one process (a cluster's nodes scanned in parallel): a round trip also
     * holds the time the reply waited for the other walks' processing, which can inflate a PING
     * as much as a command. The bare round trip is then the lowest ever measured (an inflated one
     * would make every command look free and size it to the maximum), re-measured early and often.
     */
    private readonly shared = false,
  ) {}

  async prepare(redis: Redis): Promise<void> {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await redis.ping();
      best = Math.min(best, performance.now() - t0);
    }
    this.base = this.shared && this.measured ? Math.min(this.base, best) : best;
    this.measured = true;
  }

  private measured = false;

  /**
   * Redis ms per unit: the 75th percentile of the recent samples. Walks sharing a process take the
   * 25th: there a round trip is inflated by the other walks' processing far more often than by
   * Redis, and a real change in cost still shows in most samples.
   */
  perUnit(kind: "scan" | "batch"): number {
    const xs = this.samples[kind];
    if (xs.length === 0) return this.guess[kind];
    const sorted = [...xs].sort((a, b) => a - b);
    const q = this.shared ? 0.25 : 0.75;
    const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1));
    return sorted[at] ?? this.guess[kind];
  }

  private size(kind: "scan" | "batch"): number {
    const { min, max } = this.limits[kind];
    return Math.max(min, Math.min(max, Math.floor(this.budgetMs / this.perUnit(kind))));
  }

  scanCount(): number {
    return this.size("scan");
  }

  batchSize(): number {
    return this.size("batch");
  }

  observe(kind: "scan" | "batch", units: number, ms: number): void {
    this.calls++;
    if (units <= 0) return;
    const xs = this.samples[kind];
    xs.push(Math.max(ms - this.base, 0) / units || 1e-5);
    if (xs.length > WINDOW) xs.shift();
  }

  /** The bare round trip may change (network, load): re-measured every few hundred commands. */
  shouldRemeasure(): boolean {
    if (this.shared && (this.calls === 10 || this.calls === 50 || this.calls % 100 === 99)) return true;
    return this.calls % 500 === 499;
  }
}

/**
 * The key browser's pages: grow SCAN COUNT with how sparse the matches are (a pattern matching 10
 * keys in a million still moves fast), at most 4x a call and up to 5,000 slots, no pause: a page
 * is bounded by its time budget instead.
 */
export class DensityThrottle implements Throttle {
  readonly inFlight = 1;
  readonly maxShare = 1;
  private hint: number;
  private hinted = 0;
  private found = 0;

  constructor(private readonly wanted: number) {
    this.hint = Math.min(Math.max(wanted, 10), 5000);
  }
  scanCount(): number {
    return this.hint;
  }
  batchSize(): number {
    return 1000;
  }
  observe(kind: "scan" | "batch", units: number, _ms: number, found = 0): void {
    if (kind !== "scan") return;
    this.hinted += units;
    this.found += found;
    const missing = this.wanted - this.found;
    if (missing <= 0) return;
    // Aim at the keys still missing at the density seen so far, growing at most 4x a call: an early
    // estimate from a handful of matches is noisy, and an overshoot makes a page far larger than asked.
    const density = this.found / this.hinted;
    const aim = density > 0 ? Math.ceil(missing / density) : this.hint * 4;
    this.hint = Math.min(Math.max(aim, 10), this.hint * 4, 5000);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Runs the follow-up commands of a batch under the walk's throttle. */
export interface BatchRunner {
  /**
   * Splits `keys` into batches of the throttle's size and calls `fn` for each, timing it (or
   * taking the milliseconds `fn` resolves with: the round trip of its Redis command alone). Resolves
   * once every batch was started (in fast mode several may still be awaiting their reply; the walk
   * waits for them before it ends); a failure stops the walk.
   */
  each(keys: Buffer[], fn: (batch: Buffer[]) => Promise<void | number>): Promise<void>;
}

/** One SCAN step: the next cursor, the keys, and whatever else the call answered (see WalkOptions.scan). */
export interface ScanStep<P> {
  cursor: string;
  keys: Buffer[];
  payload: P;
}

export interface WalkOptions<P = undefined> {
  /** SCAN MATCH glob as Redis receives it. */
  match: Buffer | string;
  /** SCAN TYPE filter. */
  type?: string;
  /** Where to start (the key browser resumes); "0" by default. */
  cursor?: string;
  throttle: Throttle;
  signal?: AbortSignal;
  /** Stop (resumably: the cursor is returned) once this much time has passed. */
  budgetMs?: number;
  /** Stop (resumably) after a batch when this says so. */
  enough?: () => boolean;
  /**
   * Sends the SCAN step itself instead of a plain SCAN (the scanner's SCAN-with-metadata call),
   * with the cursor and the throttle's COUNT; `type` is not applied then. Its payload reaches onKeys.
   */
  scan?: (cursor: string, count: number) => Promise<ScanStep<P>>;
  /**
   * Send the next SCAN step as soon as the previous one answered, before its keys are processed,
   * so Redis works on the next batch while the client handles this one.
   */
  prefetch?: boolean;
  /** One SCAN batch; its follow-up commands go through `runner`. */
  onKeys: (keys: Buffer[], runner: BatchRunner, payload: P | undefined) => Promise<void> | void;
}

export interface WalkResult {
  /** "0" when the iteration completed, else where to resume. */
  cursor: string;
  /** SCAN calls made. */
  calls: number;
}

/**
 * Walks the keyspace with SCAN from `cursor`. Resolves when the cursor returns to 0 or the walk
 * stops early (budget, enough); rejects with WalkCancelledError within one command of `signal`
 * aborting, or with the first Redis error of a SCAN or a follow-up command.
 */
export async function walkKeyspace<P = undefined>(
  redis: Redis,
  options: WalkOptions<P>,
): Promise<WalkResult> {
  const { throttle, signal } = options;
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  const pauseAfter = (ms: number) =>
    throttle.maxShare < 1 ? sleep(ms * (1 / throttle.maxShare - 1), signal) : Promise.resolve();
  const check = () => {
    if (failure) throw failure.err;
    if (signal?.aborted) throw new WalkCancelledError("cancelled");
  };

  const runner: BatchRunner = {
    async each(keys, fn) {
      for (let i = 0; i < keys.length;) {
        check();
        while (pending.size >= throttle.inFlight) await Promise.race(pending);
        check();
        const batch = keys.slice(i, i + throttle.batchSize());
        i += batch.length;
        const t0 = performance.now();
        const p: Promise<void> = fn(batch).then(
          async (own) => {
            const ms = typeof own === "number" ? own : performance.now() - t0;
            throttle.observe("batch", batch.length, ms);
            await pauseAfter(ms);
          },
          (err: unknown) => {
            failure ??= { err };
          },
        );
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
    },
  };

  await throttle.prepare?.(redis);
  const step = (from: string): Promise<ScanStep<P | undefined> & { ms: number; count: number }> => {
    const count = throttle.scanCount();
    const t0 = performance.now();
    const sent: Promise<ScanStep<P | undefined>> = options.scan
      ? options.scan(from, count)
      : (async () => {
          const args: (string | Buffer)[] = [from, "MATCH", options.match, "COUNT", String(count)];
          if (options.type) args.push("TYPE", options.type);
          const [next, keys] = (await redis.callBuffer("SCAN", ...args)) as [Buffer, Buffer[]];
          return { cursor: next.toString(), keys, payload: undefined };
        })();
    return sent.then((r) => ({ ...r, ms: performance.now() - t0, count }));
  };
  let cursor = options.cursor ?? "0";
  let calls = 0;
  // A step sent ahead that is no longer wanted (cancelled, failed) is left to finish unread.
  let ahead: ReturnType<typeof step> | undefined;
  do {
    // A gentle walk has one command outstanding at a time: the last batch's reply comes first.
    while (pending.size >= throttle.inFlight) await Promise.race(pending);
    check();
    if (!ahead && throttle instanceof BudgetThrottle && throttle.shouldRemeasure())
      await throttle.prepare(redis);
    const { cursor: next, keys, payload, ms, count } = await (ahead ?? step(cursor));
    ahead = undefined;
    calls++;
    throttle.observe("scan", count, ms, keys.length);
    cursor = next;
    const more = () =>
      cursor !== "0" &&
      !options.enough?.() &&
      (options.budgetMs === undefined || performance.now() - started < options.budgetMs);
    if (options.prefetch && throttle.maxShare >= 1 && more() && !signal?.aborted) {
      ahead = step(cursor);
      // Handled when awaited next round; until then a failure must not count as unhandled.
      void ahead.catch(() => undefined);
    }
    await pauseAfter(ms);
    check();
    if (keys.length > 0) await options.onKeys(keys, runner, payload);
    if (options.enough?.()) break;
    if (options.budgetMs !== undefined && performance.now() - started >= options.budgetMs) break;
  } while (cursor !== "0");
  await Promise.all(pending);
  check();
  return { cursor, calls };
}
