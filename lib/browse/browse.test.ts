import { describe, expect, it } from "vitest";
import { keysQuerySchema } from "@/lib/schemas/keys";
import { decodeNodeCursor, encodeNodeCursor, matchToRedis } from "@/lib/redis/key-pages";
import { KeyArgumentError } from "@/lib/redis/errors";
import { clusterPlace } from "./list";
import { decodePrintable, MAX_HEX_BYTES, reindentJson, renderString } from "./value-text";

describe("matchToRedis", () => {
  it("turns displayKey escapes into bytes so a shown key can be pasted as a match", () => {
    expect(matchToRedis("isl:\\xff\\x00*")).toEqual(Buffer.from([...Buffer.from("isl:"), 0xff, 0x00, 0x2a]));
    expect(matchToRedis("a\\nb")).toEqual(Buffer.from("a\nb"));
  });

  it("keeps glob escapes for Redis, and escapes a byte that is a glob character", () => {
    expect(matchToRedis("a\\*b\\\\").toString()).toBe("a\\*b\\\\");
    expect(matchToRedis("a\\x2a").toString()).toBe("a\\*");
  });

  it("encodes text as UTF-8", () => {
    expect(matchToRedis("isl:é😀*")).toEqual(Buffer.from("isl:é😀*"));
  });
});

describe("reindentJson", () => {
  it("pretty-prints without touching numbers or string contents", () => {
    const text = '{"n":12345678901234567890,"f":0.10000000000000001,"s":"a,b:{\\"c\\"}","e":[],"o":{ }}';
    expect(reindentJson(text)).toBe(
      '{\n  "n": 12345678901234567890,\n  "f": 0.10000000000000001,\n  "s": "a,b:{\\"c\\"}",\n  "e": [],\n  "o": {}\n}',
    );
  });
});

describe("decodePrintable", () => {
  it("accepts printable UTF-8 with newlines and tabs, refuses control bytes and invalid UTF-8", () => {
    expect(decodePrintable(Buffer.from("a\tb\nc é"), false)).toBe("a\tb\nc é");
    expect(decodePrintable(Buffer.from([0x61, 0x00]), false)).toBeUndefined();
    expect(decodePrintable(Buffer.from([0xff]), false)).toBeUndefined();
  });

  it("drops a character split by a cut", () => {
    const cut = Buffer.from("abé").subarray(0, 3);
    expect(decodePrintable(cut, true)).toBe("ab");
    expect(decodePrintable(cut, false)).toBeUndefined();
  });
});

describe("renderString", () => {
  it("shows JSON pretty, text as text, binary as hex", () => {
    expect(renderString(Buffer.from('{"a":1}'), 7)).toMatchObject({
      encoding: "json",
      value: '{\n  "a": 1\n}',
      truncated: false,
    });
    expect(renderString(Buffer.from("[1,"), 3)).toMatchObject({ encoding: "text", value: "[1," });
    expect(renderString(Buffer.from([1, 2, 0xff]), 3)).toMatchObject({
      encoding: "hex",
      value: "0102ff",
      shownBytes: 3,
    });
  });

  it("never pretty-prints a cut JSON value and flags the cut with the full size", () => {
    expect(renderString(Buffer.from('{"a":'), 100)).toMatchObject({
      encoding: "text",
      truncated: true,
      size: 100,
    });
  });

  it("shows at most MAX_HEX_BYTES of a binary value", () => {
    const bytes = Buffer.alloc(MAX_HEX_BYTES + 10, 0xff);
    const out = renderString(bytes, bytes.length);
    expect(out).toMatchObject({ encoding: "hex", shownBytes: MAX_HEX_BYTES, truncated: true });
    expect(out.value).toHaveLength(MAX_HEX_BYTES * 2);
  });
});

describe("cluster listing cursors", () => {
  it("round-trip the node and its SCAN cursor, opaque and never only digits", () => {
    const at = { firstSlot: 5461, address: "10.0.0.2:6379", scan: "18446744073709551615" };
    const token = encodeNodeCursor(at);
    expect(token).not.toMatch(/^\d+$/);
    expect(decodeNodeCursor(token)).toEqual(at);
    expect(keysQuerySchema.parse({ cursor: token }).cursor).toBe(token);
    const v6 = { firstSlot: 0, address: "[::1]:7000", scan: "0" };
    expect(decodeNodeCursor(encodeNodeCursor(v6))).toEqual(v6);
  });

  it("refuse anything a page did not return with a KeyArgumentError (400)", () => {
    const forged = (t: string) => Buffer.from(t).toString("base64url");
    for (const bad of [
      forged("c1:16384:0:h:1"),
      forged("c1:0:18446744073709551616:h:1"),
      forged("c1:0:007:h:1"),
      forged("c2:0:0:h:1"),
      forged("c1:0:0:no-port"),
      "not=base64url",
      forged("c1:0:0:h:1") + "A",
    ]) {
      expect(() => decodeNodeCursor(bad), bad).toThrow(KeyArgumentError);
    }
  });

  it("the query schema keeps SCAN cursors canonical and refuses short or mixed junk", () => {
    expect(keysQuerySchema.parse({ cursor: "0042" }).cursor).toBe("42");
    for (const bad of ["abc", "12ab!", "-1", "18446744073709551616", " 5"]) {
      expect(keysQuerySchema.safeParse({ cursor: bad }).success, bad).toBe(false);
    }
  });
});

describe("clusterPlace", () => {
  it("gives the slot, the node and the hash tag of a key", () => {
    expect(clusterPlace(Buffer.from("{user:7}:cart"), "10.0.0.1:6379")).toEqual({
      slot: clusterPlace(Buffer.from("user:7"), undefined).slot,
      node: "10.0.0.1:6379",
      hashTag: "user:7",
    });
    expect(clusterPlace(Buffer.from("foo"), undefined)).toEqual({ slot: 12182 });
  });
});
