import { describe, expect, it } from "vitest";
import { ADMIT_PER_READ, Admission, FindingKeys, keyHash } from "./admission";

const key = (i: number) => Buffer.from(`isl:ident:${i.toString(16).padStart(16, "0")}`);
const hashOf = (b: Buffer) => keyHash(b, 0, b.length);
const b64 = (b: Buffer) => b.toString("base64");

describe("Admission", () => {
  it("admits every key while the events stay within a few times the read budget", () => {
    const a = new Admission(500);
    a.update(1000, (ADMIT_PER_READ * 500) / 10, 0.1);
    expect(a.rate).toBe(1);
    for (let i = 0; i < 1000; i++) expect(a.admits(hashOf(key(i)))).toBe(true);
  });

  it("beyond that admits about the budget's share of keys, the same decision for every event of a key", () => {
    const a = new Admission(500, () => 0.5);
    // 100k events/s for a few ticks.
    for (let t = 100; t <= 1000; t += 100) a.update(t, 10_000, 0.1);
    expect(a.rate).toBeCloseTo((ADMIT_PER_READ * 500) / 100_000, 3);
    let admitted = 0;
    let changed = 0;
    for (let i = 0; i < 100_000; i++) {
      const h = hashOf(key(i));
      const first = a.admits(h);
      if (a.admits(h) !== first) changed++;
      if (first) admitted++;
    }
    expect(changed).toBe(0);
    expect(admitted).toBeGreaterThan(100_000 * a.rate * 0.9);
    expect(admitted).toBeLessThan(100_000 * a.rate * 1.1);
  });

  it("draws another sample every second, so no key is skipped for good", () => {
    let seed = 1;
    // A small LCG: the same salts on every run.
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const a = new Admission(500, random);
    // 40k events/s: a twentieth of the keys admitted.
    for (let t = 100; t <= 500; t += 100) a.update(t, 4000, 0.1);
    expect(a.rate).toBeCloseTo(0.05, 3);
    const h = hashOf(key(7));
    let admittedIn = 0;
    for (let second = 1; second <= 400; second++) {
      a.update(second * 1000, 4000, 0.1);
      if (a.admits(h)) admittedIn++;
    }
    expect(admittedIn).toBeGreaterThan(5);
    expect(admittedIn).toBeLessThan(40);
  });
});

describe("FindingKeys", () => {
  it("tells on the hash whether a key may be a finding, and follows adds and deletes", () => {
    const f = new FindingKeys();
    const k = key(1);
    expect(f.mayHave(hashOf(k))).toBe(false);
    f.add(b64(k));
    f.add(b64(k));
    expect(f.size).toBe(1);
    expect(f.mayHave(hashOf(k))).toBe(true);
    expect(f.has(b64(k))).toBe(true);
    expect(f.mayHave(hashOf(key(2)))).toBe(false);
    f.delete(b64(k));
    expect(f.mayHave(hashOf(k))).toBe(false);
    expect(f.size).toBe(0);
  });

  it("hashes binary keys by their bytes", () => {
    const bin = Buffer.from([0, 255, 13, 10]);
    const f = new FindingKeys();
    f.add(b64(bin));
    const chunk = Buffer.concat([Buffer.from("xx"), bin, Buffer.from("yy")]);
    expect(f.mayHave(keyHash(chunk, 2, 6))).toBe(true);
  });
});
