// Which events the watch decodes (a key copied, its base64, a pending entry): every event while
// the writes stay within a few times the read budget; beyond that a per-key sample decided on the
// received bytes before any allocation, since all but the budget's share would be dropped at read
// time anyway. Always admitted: a persist (a violation by itself) and the keys held as findings
// (a write re-reads them, a del clears them). The sample is by a salted hash of the key, so the
// `set` and `expire` of one write go together and each admitted key stands for 1/rate keys in the
// "read X of Y written keys" count; the salt changes every second, so no key is skipped for good.
// Pure: the clock and the randomness are passed in.

/** Keys admitted per second, at most, as a multiple of the read budget: room for the read sample's priorities. */
export const ADMIT_PER_READ = 4;
/** Weight of the latest tick in the smoothed event rate. */
const SMOOTHING = 0.3;

/** FNV-1a of bytes[start, end): cheap, no allocation. */
export function keyHash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A hash mixed with a salt (murmur3's finalizer), uniform in [0, 2^32). */
function mixed(hash: number, salt: number): number {
  let x = (hash ^ salt) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export class Admission {
  /** Share of keys admitted now (1: all). */
  rate = 1;
  private eventsPerSecond = 0;
  private salt: number;
  private saltSecond = Number.NaN;

  constructor(
    private readonly readsPerSecond: number,
    private readonly random = Math.random,
  ) {
    this.salt = this.newSalt();
  }

  private newSalt(): number {
    return Math.floor(this.random() * 2 ** 32) >>> 0;
  }

  /** Whether a key (by its keyHash) is in the sample now. */
  admits(hash: number): boolean {
    return this.rate >= 1 || mixed(hash, this.salt) < this.rate * 2 ** 32;
  }

  /** Every tick: the events of watched keys since the last one, over `seconds`; sets the rate and the salt. */
  update(now: number, events: number, seconds: number): void {
    const rate = events / seconds;
    this.eventsPerSecond =
      this.eventsPerSecond === 0 ? rate : SMOOTHING * rate + (1 - SMOOTHING) * this.eventsPerSecond;
    const room = ADMIT_PER_READ * this.readsPerSecond;
    this.rate = this.eventsPerSecond <= room ? 1 : room / this.eventsPerSecond;
    const second = Math.floor(now / 1000);
    if (second !== this.saltSecond) {
      this.saltSecond = second;
      this.salt = this.newSalt();
    }
  }
}

/** The keys held as findings (base64), with their hashes, to tell on the received bytes whether a key may be one. */
export class FindingKeys {
  private readonly keys = new Set<string>();
  private readonly hashes = new Map<number, number>();

  get size(): number {
    return this.keys.size;
  }

  has(keyBase64: string): boolean {
    return this.keys.has(keyBase64);
  }

  /** The keys held now, in the order they were added. */
  list(): string[] {
    return [...this.keys];
  }

  /** False: certainly not a finding. True: check with `has` (two keys may share a hash). */
  mayHave(hash: number): boolean {
    return this.hashes.has(hash);
  }

  add(keyBase64: string): void {
    if (this.keys.has(keyBase64)) return;
    this.keys.add(keyBase64);
    const h = hashOfBase64(keyBase64);
    this.hashes.set(h, (this.hashes.get(h) ?? 0) + 1);
  }

  delete(keyBase64: string): void {
    if (!this.keys.delete(keyBase64)) return;
    const h = hashOfBase64(keyBase64);
    const n = (this.hashes.get(h) ?? 1) - 1;
    if (n <= 0) this.hashes.delete(h);
    else this.hashes.set(h, n);
  }

  clear(): void {
    this.keys.clear();
    this.hashes.clear();
  }
}

function hashOfBase64(keyBase64: string): number {
  const bytes = Buffer.from(keyBase64, "base64");
  return keyHash(bytes, 0, bytes.length);
}
