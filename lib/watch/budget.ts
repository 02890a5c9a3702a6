// The watch's bounds, pure (the clock is passed in): a token bucket of TTL reads per second, a
// per-second ring over the last minute (events seen, keys due, keys read), and the random sample
// of due keys to read when there are more than the budget allows.

/**
 * At most `perSecond` reads a second. The bucket holds a fifth of a second's worth, so over any
 * window of T seconds at most perSecond * (T + 0.2) reads pass: the limit holds over short windows too.
 */
export class ReadBudget {
  private tokens: number;
  private last: number | undefined;

  constructor(
    readonly perSecond: number,
    private readonly burstSeconds = 0.2,
  ) {
    this.tokens = perSecond * burstSeconds;
  }

  /** Takes up to `wanted` reads at `now` (ms); answers how many may run. */
  take(now: number, wanted: number): number {
    const capacity = this.perSecond * this.burstSeconds;
    if (this.last !== undefined)
      this.tokens = Math.min(capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }
}

export interface MinuteTotals {
  events: number;
  keys: number;
  keysRead: number;
  unread: number;
}

/** Counts per second over the last 60 s. */
export class LastMinute {
  private readonly buckets: (MinuteTotals & { second: number })[] = [];

  add(now: number, counts: Partial<MinuteTotals>): void {
    const second = Math.floor(now / 1000);
    let b = this.buckets.at(-1);
    if (!b || b.second !== second) {
      b = { second, events: 0, keys: 0, keysRead: 0, unread: 0 };
      this.buckets.push(b);
      while (this.buckets.length > 0 && (this.buckets[0]?.second ?? second) <= second - 60)
        this.buckets.shift();
    }
    b.events += counts.events ?? 0;
    b.keys += counts.keys ?? 0;
    b.keysRead += counts.keysRead ?? 0;
    b.unread += counts.unread ?? 0;
  }

  totals(now: number): MinuteTotals {
    const from = Math.floor(now / 1000) - 59;
    const out: MinuteTotals = { events: 0, keys: 0, keysRead: 0, unread: 0 };
    for (const b of this.buckets) {
      if (b.second < from) continue;
      out.events += b.events;
      out.keys += b.keys;
      out.keysRead += b.keysRead;
      out.unread += b.unread;
    }
    return out;
  }
}

/**
 * `n` items of `items`, those with a higher priority first, a uniform random sample among equals
 * (partial Fisher-Yates), so a flood of one pattern does not hide another's writes.
 */
export function pickSample<T>(
  items: T[],
  n: number,
  priority: (item: T) => number,
  random = Math.random,
): T[] {
  if (items.length <= n) return items;
  const byPriority = new Map<number, T[]>();
  for (const item of items) {
    const p = priority(item);
    const group = byPriority.get(p);
    if (group) group.push(item);
    else byPriority.set(p, [item]);
  }
  const out: T[] = [];
  for (const p of [...byPriority.keys()].sort((a, b) => b - a)) {
    const group = byPriority.get(p) ?? [];
    const room = n - out.length;
    if (room <= 0) break;
    if (group.length <= room) {
      out.push(...group);
      continue;
    }
    for (let i = 0; i < room; i++) {
      const j = i + Math.floor(random() * (group.length - i));
      const picked = group[j] as T;
      group[j] = group[i] as T;
      group[i] = picked;
      out.push(picked);
    }
  }
  return out;
}

const count = (n: number) => n.toLocaleString("en-US");

/** "sampling: read 30,000 of 2,900,000 written keys in the last minute". */
export function samplingText(t: MinuteTotals): string | undefined {
  if (t.keysRead >= t.keys) return undefined;
  return `sampling: read ${count(t.keysRead)} of ${count(t.keys)} written keys in the last minute`;
}
