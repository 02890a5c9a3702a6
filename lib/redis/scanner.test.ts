import { describe, expect, it } from "vitest";
import {
  accessModeFor,
  forEachKeyMeta,
  META_SCRIPT,
  META_STRIDE,
  SCAN_META_SCRIPT,
  UNKNOWN_CODE,
} from "./scanner";

function pack(rows: [number, number, number, number, number][]): Buffer {
  const out = Buffer.alloc(rows.length * META_STRIDE);
  rows.forEach(([code, ttl, bytes, length, access], i) => {
    const at = i * META_STRIDE;
    out.writeUInt8(code, at);
    out.writeDoubleLE(ttl, at + 1);
    out.writeDoubleLE(bytes, at + 9);
    out.writeDoubleLE(length, at + 17);
    out.writeDoubleLE(access, at + 25);
  });
  return out;
}

describe("forEachKeyMeta", () => {
  it("decodes type, TTL, size, length and the access figure; unknown figures are null, never 0", () => {
    const keys = ["a", "b", "c", "d", "e"].map((k) => Buffer.from(k));
    const packed = pack([
      [1, 100, 612, 0, 42], // a string read 42 s ago
      [1, 100, -1, 0, -1], // size and access refused
      [1, 100, 80, 0, -2], // left out of the access sample
      [2, -1, 300, 7, -1], // a hash: no access figure read
      [0, -2, 0, 0, -1], // vanished
    ]);
    const seen: unknown[] = [];
    forEachKeyMeta(keys, packed, (key, type, ttl, bytes, length, access) =>
      seen.push([key.toString(), type, ttl, bytes, length, access]),
    );
    expect(seen).toEqual([
      ["a", "string", 100, 612, 0, 42],
      ["b", "string", 100, null, 0, null],
      ["c", "string", 100, 80, 0, undefined],
      ["d", "hash", -1, 300, 7, null],
      ["e", "none", -2, 0, 0, null],
    ]);
  });

  it("an unreadable key is 'unknown' with a NaN TTL", () => {
    const seen: unknown[] = [];
    forEachKeyMeta([Buffer.from("x")], pack([[UNKNOWN_CODE, Number.NaN, -1, -1, -1]]), (_k, type, ttl) =>
      seen.push([type, ttl]),
    );
    expect(seen).toEqual([["unknown", Number.NaN]]);
  });
});

describe("the metadata scripts", () => {
  it("read the access figure by policy: idle time unless LFU", () => {
    expect(accessModeFor("volatile-lru")).toBe("idle");
    expect(accessModeFor("noeviction")).toBe("idle");
    expect(accessModeFor("allkeys-lfu")).toBe("freq");
    expect(accessModeFor("volatile-lfu")).toBe("freq");
    expect(accessModeFor(undefined)).toBe("none");
  });

  it("read OBJECT for strings only and never a command that touches a string key", () => {
    for (const script of [META_SCRIPT, SCAN_META_SCRIPT]) {
      expect(script).toContain("if t == 'string' then");
      expect(script).not.toMatch(/STRLEN|'GET'/);
      // The combined call runs SCAN in a script flagged to write nothing.
    }
    expect(SCAN_META_SCRIPT.startsWith("#!lua flags=no-writes,allow-cross-slot-keys\n")).toBe(true);
  });
});
