// The N largest items by a numeric score, in a binary min-heap: O(log N) per accepted item,
// one comparison for the (usual) item that does not make it. Pure.

export class TopN<T> {
  private readonly scores: number[] = [];
  private readonly items: T[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  /** Whether an item with this score would enter: check before building the item. */
  accepts(score: number): boolean {
    if (this.capacity <= 0) return false;
    return this.items.length < this.capacity || score > (this.scores[0] as number);
  }

  push(score: number, item: T): void {
    if (!this.accepts(score)) return;
    if (this.items.length < this.capacity) {
      this.scores.push(score);
      this.items.push(item);
      this.siftUp(this.items.length - 1);
    } else {
      this.scores[0] = score;
      this.items[0] = item;
      this.siftDown(0);
    }
  }

  /** Every kept item with its score, in no particular order (for merging heaps). */
  entries(): [number, T][] {
    return this.items.map((item, i) => [this.scores[i] as number, item]);
  }

  /** Largest first; ties keep no particular order. */
  sorted(): T[] {
    return this.items
      .map((item, i) => ({ item, score: this.scores[i] as number }))
      .sort((a, b) => b.score - a.score)
      .map((e) => e.item);
  }

  private swap(i: number, j: number): void {
    const s = this.scores[i] as number;
    this.scores[i] = this.scores[j] as number;
    this.scores[j] = s;
    const t = this.items[i] as T;
    this.items[i] = this.items[j] as T;
    this.items[j] = t;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.scores[parent] as number) <= (this.scores[i] as number)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && (this.scores[l] as number) < (this.scores[m] as number)) m = l;
      if (r < n && (this.scores[r] as number) < (this.scores[m] as number)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
