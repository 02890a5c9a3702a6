import { describe, expect, it } from "vitest";
import {
  base64ToBase64Url,
  displayKey,
  fromBase64,
  fromBase64Url,
  hashTag,
  keyRef,
  parseDisplayKey,
  quotedKey,
  toBase64,
  toBase64Url,
} from "./encoding";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

describe("displayKey escapes like redis-cli", () => {
  it("leaves printable ASCII alone", () => {
    expect(displayKey(Buffer.from("isl:result:0123456789abcdef"))).toBe("isl:result:0123456789abcdef");
    expect(displayKey(Buffer.from(" ~!#$%&'()*+,-./:;<=>?@[]^_`{|}"))).toBe(
      " ~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
    );
  });

  it("writes a non-ASCII byte as \\xNN in lowercase hex", () => {
    expect(displayKey(bytes("isl:result:", [0xff]))).toBe("isl:result:\\xff");
    expect(quotedKey(bytes("isl:result:", [0xff]))).toBe('"isl:result:\\xff"');
  });

  it("escapes quote, backslash and the C control characters redis-cli names", () => {
    expect(displayKey(Buffer.from('a"b'))).toBe('a\\"b');
    expect(displayKey(Buffer.from("a\\b"))).toBe("a\\\\b");
    expect(displayKey(Buffer.from("a\nb\rc\td\x07e\bf"))).toBe("a\\nb\\rc\\td\\ae\\bf");
    expect(displayKey(bytes("a", [0x00], "b"))).toBe("a\\x00b");
    expect(displayKey(bytes([0x1b, 0x7f, 0x80]))).toBe("\\x1b\\x7f\\x80");
  });

  it("matches what redis-cli 7 prints for a key with every kind of byte", () => {
    // Captured from `redis-cli --no-raw KEYS '*'` on a key set from these bytes.
    const key = bytes("isl:result:", [0xff], '"q\\b\n', [0x00, 0x07, 0x08], "\t\r~ ", [0x7f, 0x80]);
    expect(quotedKey(key)).toBe('"isl:result:\\xff\\"q\\\\b\\n\\x00\\a\\b\\t\\r~ \\x7f\\x80"');
  });

  it("shows UTF-8 text byte by byte, as redis-cli does", () => {
    expect(displayKey(Buffer.from("isl:é"))).toBe("isl:\\xc3\\xa9");
  });

  it("handles an empty key and a Uint8Array view into a larger buffer", () => {
    expect(displayKey(new Uint8Array())).toBe("");
    const big = Buffer.from("xxisl:ayy");
    expect(displayKey(big.subarray(2, 7))).toBe("isl:a");
  });
});

describe("parseDisplayKey reverses displayKey", () => {
  it("round-trips every one of the 256 byte values, alone and in a key", () => {
    for (let b = 0; b < 256; b++) {
      const alone = Uint8Array.of(b);
      expect(Buffer.from(parseDisplayKey(displayKey(alone)))).toEqual(Buffer.from(alone));
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const key = bytes("isl:result:", Array.from(all), "x");
    expect(Buffer.from(parseDisplayKey(displayKey(key)))).toEqual(key);
  });

  it("reads upper-case hex too", () => {
    expect(Buffer.from(parseDisplayKey("isl:\\xFF\\xAb"))).toEqual(bytes("isl:", [0xff, 0xab]));
  });

  it("keeps a backslash that starts no escape", () => {
    expect(Buffer.from(parseDisplayKey("a\\q"))).toEqual(Buffer.from("a\\q"));
    expect(Buffer.from(parseDisplayKey("a\\x4"))).toEqual(Buffer.from("a\\x4"));
    expect(Buffer.from(parseDisplayKey("a\\xzz"))).toEqual(Buffer.from("a\\xzz"));
    expect(Buffer.from(parseDisplayKey("trailing\\"))).toEqual(Buffer.from("trailing\\"));
  });

  it("encodes typed non-ASCII text as UTF-8, including characters outside the BMP", () => {
    expect(Buffer.from(parseDisplayKey("isl:é"))).toEqual(Buffer.from("isl:é", "utf8"));
    expect(Buffer.from(parseDisplayKey("isl:😀:\\xff"))).toEqual(
      Buffer.concat([Buffer.from("isl:😀:", "utf8"), Buffer.from([0xff])]),
    );
  });
});

describe("base64 codecs", () => {
  const key = bytes("isl:result:", [0xff, 0xfe, 0x00, 0x3e, 0x3f]);

  it("encode standard and URL-safe base64", () => {
    expect(toBase64(key)).toBe("aXNsOnJlc3VsdDr//gA+Pw==");
    expect(toBase64Url(key)).toBe("aXNsOnJlc3VsdDr__gA-Pw");
    expect(base64ToBase64Url(toBase64(key))).toBe(toBase64Url(key));
  });

  it("encode only the bytes of a Uint8Array view", () => {
    const big = Buffer.from("xxABCyy");
    expect(toBase64(big.subarray(2, 5))).toBe("QUJD");
    expect(toBase64Url(new Uint8Array(big.buffer, big.byteOffset + 2, 3))).toBe("QUJD");
  });

  it("decode what they encode", () => {
    expect(fromBase64(toBase64(key))).toEqual(key);
    expect(fromBase64Url(toBase64Url(key))).toEqual(key);
    expect(fromBase64("")).toEqual(Buffer.alloc(0));
    expect(fromBase64Url("")).toEqual(Buffer.alloc(0));
    for (let n = 1; n <= 6; n++) {
      const b = Buffer.alloc(n, 0xfb);
      expect(fromBase64(toBase64(b))).toEqual(b);
      expect(fromBase64Url(toBase64Url(b))).toEqual(b);
    }
  });

  it.each([
    "aXNs?",
    "aXNsO", // length not a multiple of 4
    "aXNsOg", // missing padding
    "aXNsOg=",
    "aXN=sOg=",
    "aXNs Og==",
    "aXNsOnJlc3VsdDr__gA-Pw==", // URL-safe alphabet
    "aXNsOg===",
    "QR==", // non-canonical: trailing bits set
  ])("strict base64 refuses %j", (text) => {
    expect(fromBase64(text)).toBeUndefined();
  });

  it.each([
    "aXNsOg==", // padding
    "aXNsO", // one character left over cannot be a byte
    "aXNsOnJlc3VsdDr//gA+Pw", // standard alphabet
    "aXNs Og",
    "aXNs.Og",
    "QR", // non-canonical: trailing bits set
  ])("strict base64url refuses %j", (text) => {
    expect(fromBase64Url(text)).toBeUndefined();
  });
});

describe("keyRef", () => {
  it("gives the display text and the standard base64 of the same bytes", () => {
    expect(keyRef(bytes("isl:result:", [0xff]))).toEqual({
      key: "isl:result:\\xff",
      keyBase64: "aXNsOnJlc3VsdDr/",
    });
    expect(keyRef(Buffer.from('a"b'))).toEqual({ key: 'a\\"b', keyBase64: "YSJi" });
  });

  it("keyBase64 decodes back to the exact key", () => {
    const key = bytes([0x00, 0xff, 0x0a], "isl:");
    expect(fromBase64(keyRef(key).keyBase64)).toEqual(key);
  });
});

describe("hashTag", () => {
  const tag = (key: string | Buffer) => {
    const t = hashTag(Buffer.from(key));
    return t === undefined ? undefined : Buffer.from(t).toString("latin1");
  };
  it("is the text between the first { and the next }", () => {
    expect(tag("{user:7}:cart")).toBe("user:7");
    expect(tag("isl:{a}{b}")).toBe("a");
    expect(tag("a{b{c}d")).toBe("b{c");
  });
  it("is absent without braces, with an empty {} or without a closing }", () => {
    expect(tag("isl:result:1")).toBeUndefined();
    expect(tag("{}x{y}")).toBeUndefined();
    expect(tag("a{b")).toBeUndefined();
  });
  it("is binary-safe", () => {
    expect(hashTag(Buffer.from([0x7b, 0xff, 0x00, 0x7d]))).toEqual(Buffer.from([0xff, 0x00]));
  });
});
