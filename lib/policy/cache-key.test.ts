import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  canonicalize,
  compareCodePoints,
  firstDifference,
  keyFor,
  MAX_DEPTH,
  parseKeyTemplate,
  PyJsonError,
  pyFloatRepr,
  type CacheKeyWarningKind,
} from "./cache-key";

/**
 * [request text, canonical text, key hash]. The expected values come from CPython 3.11.7:
 * `c = json.dumps(json.loads(text), sort_keys=True, separators=(',', ':'))`,
 * `hashlib.sha256(c.encode()).hexdigest()[:16]` (the guide's compute_cache_key).
 */
const PYTHON_CASES: [string, string, string][] = [
  [
    '{"scenario": "baseline", "interventions": {"price": 10, "marketing": 0.5}, "samples": 1000}',
    '{"interventions":{"marketing":0.5,"price":10},"samples":1000,"scenario":"baseline"}',
    "6e519c90b1a54a71",
  ],
  [
    '{"dag": {"nodes": ["price", "demand", "revenue"], "edges": [["price", "demand"], ["demand", "revenue"]]}, "treatment": "price", "outcome": "revenue"}',
    '{"dag":{"edges":[["price","demand"],["demand","revenue"]],"nodes":["price","demand","revenue"]},"outcome":"revenue","treatment":"price"}',
    "c2cb694572de0119",
  ],
  [
    '{"samples":1000,"interventions":{"marketing":0.5,"price":10},"scenario":"baseline"}',
    '{"interventions":{"marketing":0.5,"price":10},"samples":1000,"scenario":"baseline"}',
    "6e519c90b1a54a71",
  ],
  [
    '{"b": 1, "a": {"d": [3, 1, 2], "c": null}, "e": true, "f": false}',
    '{"a":{"c":null,"d":[3,1,2]},"b":1,"e":true,"f":false}',
    "cf792280c51b8a26",
  ],
  [
    '{"caf\\u00e9": "na\\u00efve", "\\u4e2d": "\\u6587", "emoji": "\\ud83d\\ude00", "raw": "caf\u00e9 \u4e2d\u6587 \ud83d\ude00"}',
    '{"caf\\u00e9":"na\\u00efve","emoji":"\\ud83d\\ude00","raw":"caf\\u00e9 \\u4e2d\\u6587 \\ud83d\\ude00","\\u4e2d":"\\u6587"}',
    "ad6efeb9144352f0",
  ],
  [
    '{"\\ue000": 1, "\\ud83d\\ude00": 2, "z": 3, "\\u00e9": 4}',
    '{"z":3,"\\u00e9":4,"\\ue000":1,"\\ud83d\\ude00":2}',
    "a4b51ac9d7f85c22",
  ],
  [
    "[0.1, 1e16, 1e-5, 123456789.123456789, 5e-324, 1.7976931348623157e308, -0.0, 1.0, 100.0, 1e15, 0.0001, 1E400, 2.5e-10]",
    "[0.1,1e+16,1e-05,123456789.12345679,5e-324,1.7976931348623157e+308,-0.0,1.0,100.0,1000000000000000.0,0.0001,Infinity,2.5e-10]",
    "ef7e814a3485cce2",
  ],
  [
    "[12345678901234567890123456789, -0, -9007199254740993, 9007199254740993]",
    "[12345678901234567890123456789,0,-9007199254740993,9007199254740993]",
    "57fdba5e88d5764d",
  ],
  [
    '["a\\"b", "back\\\\slash", "slash/\\/", "nl\\n", "tab\\t", "cr\\r", "bs\\b", "ff\\f", "nul\\u0000", "us\\u001f", "del\\u007f", "\\u2028"]',
    '["a\\"b","back\\\\slash","slash//","nl\\n","tab\\t","cr\\r","bs\\b","ff\\f","nul\\u0000","us\\u001f","del\\u007f","\\u2028"]',
    "563e1b5f77f9ef0a",
  ],
  ["[NaN, Infinity, -Infinity]", "[NaN,Infinity,-Infinity]", "b1ec71618b1e885b"],
  ['{"a": 1, "a": 2}', '{"a":2}', "7e8059f495589fcd"],
  ['"\\ud800"', '"\\ud800"', "8c0c59dd0d275aad"],
  ['  {"inputs": [3, 1, 2]}  ', '{"inputs":[3,1,2]}', "f0cbaf5143e67c34"],
];

interface FixtureCase {
  text: string;
  canonical?: string;
  hash?: string;
  error?: string;
}
/** Random cases, generated once by tests/fixtures/cache-key/generate.py with CPython (see there). */
const fixture = JSON.parse(
  readFileSync(path.join(__dirname, "../../tests/fixtures/cache-key/python-cases.json"), "utf8"),
) as { generator: string; cases: FixtureCase[]; floats: { text: string; repr: string }[] };

function errorOf(text: string): string {
  try {
    canonicalize(text);
  } catch (err) {
    if (err instanceof PyJsonError) return err.message;
    throw err;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

const kinds = (text: string): CacheKeyWarningKind[] => canonicalize(text).warnings.map((w) => w.kind);

describe("compute_cache_key as CPython computes it", () => {
  it.each(PYTHON_CASES)("%s", (text, canonical, hash) => {
    const out = canonicalize(text);
    expect(out.canonical).toBe(canonical);
    expect(out.hash).toBe(hash);
    expect(out.sha256.slice(0, 16)).toBe(hash);
  });

  it("the guide's request in another key order and spacing gives the same key", () => {
    const a = canonicalize(
      '{"scenario": "baseline", "interventions": {"price": 10, "marketing": 0.5}, "samples": 1000}',
    );
    const b = canonicalize(
      '{\n  "samples":1000,\n\t"interventions":{"marketing":0.5 , "price":10},"scenario":"baseline"}\r\n',
    );
    expect(b.canonical).toBe(a.canonical);
    expect(keyFor({ prefix: "isl:result:", placeholder: "request_hash", suffix: "" }, b.hash)).toBe(
      "isl:result:6e519c90b1a54a71",
    );
  });

  it(`matches ${fixture.generator} on ${fixture.cases.length} random texts, valid and malformed`, () => {
    expect(fixture.cases.length).toBeGreaterThan(500);
    let errors = 0;
    for (const c of fixture.cases) {
      if (c.error !== undefined) {
        errors++;
        const message = errorOf(c.text);
        // The int digit limit is a ValueError in Python; everything else is the exact message.
        if (c.error === "ValueError") expect(message).toMatch(/^Exceeds the limit/);
        else expect(message, JSON.stringify(c.text)).toBe(c.error);
      } else {
        const out = canonicalize(c.text);
        expect(out.canonical, JSON.stringify(c.text)).toBe(c.canonical);
        expect(out.hash).toBe(c.hash);
      }
    }
    expect(errors).toBeGreaterThan(100);
  });

  it(`writes floats as ${fixture.generator}'s repr on ${fixture.floats.length} random doubles`, () => {
    for (const f of fixture.floats) expect(pyFloatRepr(Number(f.text)), f.text).toBe(f.repr);
  });
});

describe("float repr", () => {
  it.each([
    [0.1, "0.1"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000.0"],
    [1e-5, "1e-05"],
    [1.5e-5, "1.5e-05"],
    [0.0001, "0.0001"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [-0, "-0.0"],
    [1, "1.0"],
    [100, "100.0"],
    [NaN, "NaN"],
    [-Infinity, "-Infinity"],
    [1e22, "1e+22"],
    [123456789.123456789, "123456789.12345679"],
  ])("%s is written %s", (x, repr) => expect(pyFloatRepr(x)).toBe(repr));
});

describe("reading as json.loads does", () => {
  it.each([
    ['{"a": 1 "b": 2}', "Expecting ',' delimiter: line 1 column 9 (char 8)"],
    ["[1,]", "Expecting value: line 1 column 4 (char 3)"],
    ['{"a":1,}', "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"],
    ['{\n  "a" 1}', "Expecting ':' delimiter: line 2 column 7 (char 8)"],
    ['"\\u12"', "Invalid \\uXXXX escape: line 1 column 3 (char 2)"],
    ['"\\x"', "Invalid \\escape: line 1 column 2 (char 1)"],
    ['"a\nb"', "Invalid control character at: line 1 column 3 (char 2)"],
    ['"abc', "Unterminated string starting at: line 1 column 1 (char 0)"],
    ["1.", "Extra data: line 1 column 2 (char 1)"],
    ["", "Expecting value: line 1 column 1 (char 0)"],
    ["\ufeff{}", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"],
    // Positions count code points: the emoji is one character for Python, two UTF-16 units here.
    ['["😀" 1]', "Expecting ',' delimiter: line 1 column 6 (char 5)"],
    ["\u00a0{}", "Expecting value: line 1 column 1 (char 0)"],
  ])("%j fails with %s", (text, message) => expect(errorOf(text)).toBe(message));

  it("refuses an int of more than 4300 digits, as Python 3.11+ does", () => {
    expect(canonicalize("9".repeat(4300)).canonical).toBe("9".repeat(4300));
    expect(errorOf("9".repeat(4301))).toMatch(/^Exceeds the limit \(4300 digits\)/);
  });

  it("refuses nesting deeper than Python's recursion limit allows", () => {
    const ok = "[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH);
    expect(canonicalize(ok).canonical).toBe(ok);
    const deep = "[".repeat(MAX_DEPTH + 1) + "]".repeat(MAX_DEPTH + 1);
    expect(errorOf(deep)).toMatch(/RecursionError/);
  });

  it("refuses a lone surrogate in the text itself (no UTF-8 request can carry one)", () => {
    expect(errorOf('["\ud800"]')).toMatch(/lone UTF-16 surrogate .*: line 1 column 3 \(char 2\)/);
  });
});

describe("key order is Python's code point order", () => {
  it("sorts an astral character after U+E000-U+FFFF, unlike UTF-16 order", () => {
    expect(compareCodePoints("😀", "\ue000")).toBeGreaterThan(0);
    expect("😀" < "\ue000").toBe(true);
    expect(compareCodePoints("a", "ab")).toBeLessThan(0);
    expect(compareCodePoints("\ud800", "😀")).toBeLessThan(0);
  });
});

describe("warnings for requests that look alike but hash differently", () => {
  it("names an unsorted list by its path", () => {
    const { warnings } = canonicalize(
      '{"inputs": [3, 1, 2], "sorted": ["a", "b"], "objs": [{"b": 1}, {"a": 1}]}',
    );
    expect(warnings.map((w) => [w.kind, w.path])).toEqual([
      ["unsortedList", "$.inputs"],
      ["unsortedList", "$.objs"],
    ]);
  });

  it("flags integral floats, precision loss, overflow, -0.0, big ints and NaN", () => {
    expect(kinds("[1.0]")).toEqual(["integralFloat"]);
    expect(kinds("[1e2]")).toEqual(["integralFloat"]);
    expect(kinds("[0.5, 0.10000000000000001]")).toEqual(["precision", "unsortedList"]);
    expect(kinds("[1e400]")).toEqual(["overflow"]);
    expect(kinds("[-0.0]")).toEqual(["negativeZero"]);
    expect(kinds("[9007199254740993]")).toEqual(["bigInt"]);
    expect(kinds("[9007199254740991]")).toEqual([]);
    expect(kinds("[NaN]")).toEqual(["nonFinite"]);
    expect(kinds("[1.5, 2, 100]")).toEqual([]);
  });

  it("flags duplicate keys, non-NFC text and surrounding whitespace with their paths", () => {
    const { warnings } = canonicalize(
      '{"a": {"x": 1, "x": 2}, "name": "Cafe\\u0301", " pad": "v ", "list": [" x"]}',
    );
    expect(warnings.map((w) => [w.kind, w.path])).toEqual([
      ["duplicateKey", "$.a.x"],
      ["notNfc", "$.name"],
      ["whitespace", '$[" pad"]'],
      ["whitespace", '$[" pad"]'],
      ["whitespace", "$.list[0]"],
    ]);
  });

  it("lists at most 50 warnings and counts the rest", () => {
    const out = canonicalize(`[${Array.from({ length: 80 }, () => "1.0").join(",")}]`);
    expect(out.warnings).toHaveLength(50);
    expect(out.warningsOmitted).toBe(30);
  });
});

describe("templates and comparison", () => {
  it("splits a template around its single placeholder", () => {
    expect(parseKeyTemplate("isl:result:{request_hash}")).toEqual({
      prefix: "isl:result:",
      placeholder: "request_hash",
      suffix: "",
    });
    expect(parseKeyTemplate("isl:result:{a}:{b}")).toBeUndefined();
    expect(parseKeyTemplate("isl:fixed")).toBeUndefined();
  });

  it("finds the first differing position", () => {
    expect(firstDifference('{"a":1.0}', '{"a":1}')).toBe(6);
    expect(firstDifference("ab", "abc")).toBe(2);
    expect(firstDifference("x", "x")).toBe(-1);
  });
});
