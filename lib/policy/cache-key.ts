// The guide's compute_cache_key, emulated exactly: the request text is read as CPython's
// `json.loads` reads it and written as `json.dumps(data, sort_keys=True, separators=(",", ":"))`
// writes it, so the SHA-256 and the key are the ones ISL computes. JSON.parse/stringify would not
// do: they lose big integers and the int/float distinction, write floats differently ("1" for
// 1.0, "1e+21" thresholds), sort astral characters by UTF-16 units and do not escape non-ASCII.
// Besides the key, it flags requests that look alike but hash differently (the guide's
// "normalize inputs"). Pure: no I/O, no clock; node:crypto only hashes.
import { createHash } from "node:crypto";

/** A Python int, kept as its decimal text (exact, any size). */
export class PyInt {
  constructor(readonly text: string) {}
}

/** A Python float (an IEEE double), with the text it was read from. */
export class PyFloat {
  constructor(
    readonly value: number,
    readonly source: string,
  ) {}
}

/** A Python dict read from a JSON object: duplicate keys keep the last value, as Python does. */
export class PyDict {
  constructor(readonly entries: Map<string, PyValue>) {}
}

export type PyValue = null | boolean | string | PyInt | PyFloat | PyDict | PyValue[];

export type CacheKeyWarningKind =
  | "unsortedList"
  | "integralFloat"
  | "precision"
  | "overflow"
  | "bigInt"
  | "negativeZero"
  | "nonFinite"
  | "duplicateKey"
  | "notNfc"
  | "whitespace";

export interface CacheKeyWarning {
  kind: CacheKeyWarningKind;
  /** JSONPath of the value concerned: `$.inputs[2]`. */
  path: string;
  message: string;
}

/** Python refuses longer integer texts since 3.11 (sys.set_int_max_str_digits, default 4300). */
export const PY_INT_MAX_STR_DIGITS = 4300;
/**
 * Python's json raises RecursionError near its recursion limit (1,000 frames by default, fewer
 * left in a deep call stack such as a web framework's): deeper requests cannot reach ISL's cache.
 */
export const MAX_DEPTH = 900;
/** Warnings past this many are counted, not listed. */
export const MAX_WARNINGS = 50;

/** A text `json.loads` would refuse, with its position as Python reports it (in code points). */
export class PyJsonError extends Error {
  override name = "PyJsonError";
  constructor(
    /** Python's message without the position: "Expecting ',' delimiter". */
    readonly reason: string,
    /** Offset in code points, as Python's `pos`. */
    readonly pos: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason}: line ${line} column ${column} (char ${pos})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading: CPython's C scanner (Modules/_json.c), step by step, including its error positions.

const ASCII = /^[\x00-\x7f]*$/;
const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Thrown inside the scanner where Python raises StopIteration(idx): "Expecting value". */
class StopIteration {
  constructor(readonly idx: number) {}
}

/** Where a parse failed, in UTF-16 units of the JS string; converted to Python's terms at the end. */
class ScanError {
  constructor(
    readonly reason: string,
    readonly idx: number,
  ) {}
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

interface Collector {
  warn(kind: CacheKeyWarningKind, path: Path, message: string): void;
}

/** A JSON path built only when a warning needs it. */
type Path = { parent: Path; segment: string | number } | null;

export function formatPath(path: Path): string {
  const parts: string[] = [];
  for (let p = path; p; p = p.parent) {
    const s = p.segment;
    parts.push(
      typeof s === "number"
        ? `[${s}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s)
          ? `.${s}`
          : `[${JSON.stringify(s)}]`,
    );
  }
  return `$${parts.reverse().join("")}`;
}

class Scanner {
  private readonly n: number;
  constructor(
    private readonly s: string,
    private readonly out: Collector,
  ) {
    this.n = s.length;
  }

  skipWs(idx: number): number {
    while (idx < this.n && isWs(this.s.charCodeAt(idx))) idx++;
    return idx;
  }

  scan(idx: number, depth: number, path: Path): [PyValue, number] {
    const s = this.s;
    if (idx >= this.n) throw new StopIteration(idx);
    switch (s.charCodeAt(idx)) {
      case 0x22: {
        const [value, end] = this.scanString(idx + 1);
        this.checkString(value, path, false);
        return [value, end];
      }
      case 0x7b: // {
        return this.parseObject(idx + 1, depth + 1, path);
      case 0x5b: // [
        return this.parseArray(idx + 1, depth + 1, path);
      case 0x6e: // n
        if (s.startsWith("null", idx)) return [null, idx + 4];
        break;
      case 0x74: // t
        if (s.startsWith("true", idx)) return [true, idx + 4];
        break;
      case 0x66: // f
        if (s.startsWith("false", idx)) return [false, idx + 5];
        break;
      case 0x4e: // N
        if (s.startsWith("NaN", idx)) return [this.constant(NaN, "NaN", path), idx + 3];
        break;
      case 0x49: // I
        if (s.startsWith("Infinity", idx)) return [this.constant(Infinity, "Infinity", path), idx + 8];
        break;
      case 0x2d: // -
        if (s.startsWith("-Infinity", idx)) return [this.constant(-Infinity, "-Infinity", path), idx + 9];
        break;
    }
    return this.matchNumber(idx, path);
  }

  private constant(value: number, text: string, path: Path): PyFloat {
    this.out.warn(
      "nonFinite",
      path,
      `${text} is not standard JSON: Python reads and writes it, other encoders refuse it or write null`,
    );
    return new PyFloat(value, text);
  }

  /** _match_number_unicode: where the number starting at `start` ends, and whether it is a float. */
  private numberEnd(start: number): { idx: number; isFloat: boolean } {
    const s = this.s;
    const end = this.n - 1;
    let idx = start;
    if (s.charCodeAt(idx) === 0x2d) {
      idx++;
      if (idx > end) throw new StopIteration(start);
    }
    const first = s.charCodeAt(idx);
    if (first >= 0x31 && first <= 0x39) idx = this.digitsEnd(idx + 1);
    else if (first === 0x30) idx++;
    else throw new StopIteration(start);
    let isFloat = false;
    if (idx < end && s.charCodeAt(idx) === 0x2e && isDigit(s.charCodeAt(idx + 1))) {
      isFloat = true;
      idx = this.digitsEnd(idx + 2);
    }
    const e = s.charCodeAt(idx);
    if (idx < end && (e === 0x65 || e === 0x45)) {
      // An exponent without digits is not part of the number ("1e" reads 1, then "e" is extra).
      const eStart = idx;
      idx++;
      if (idx < end && (s.charCodeAt(idx) === 0x2d || s.charCodeAt(idx) === 0x2b)) idx++;
      idx = this.digitsEnd(idx);
      if (isDigit(s.charCodeAt(idx - 1))) isFloat = true;
      else idx = eStart;
    }
    return { idx, isFloat };
  }

  private digitsEnd(idx: number): number {
    while (idx < this.n && isDigit(this.s.charCodeAt(idx))) idx++;
    return idx;
  }

  private matchNumber(start: number, path: Path): [PyValue, number] {
    const { idx, isFloat } = this.numberEnd(start);
    const s = this.s;
    const text = s.slice(start, idx);
    if (isFloat) return [this.float(text, path), idx];
    const negative = text.startsWith("-");
    const digits = negative ? text.slice(1) : text;
    if (digits.length > PY_INT_MAX_STR_DIGITS) {
      throw new ScanError(
        `Exceeds the limit (${PY_INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits.length} digits (Python 3.11+ refuses it: ValueError)`,
        start,
      );
    }
    if (digits.length >= 16 && BigInt(digits) > 9007199254740991n) {
      this.out.warn(
        "bigInt",
        path,
        `${text} is beyond 2^53: Python keeps it exact, but a client that parses JSON numbers as doubles (JavaScript) sends ${Number(text)} instead, and that is another key`,
      );
    }
    return [new PyInt(digits === "0" ? "0" : text), idx];
  }

  private float(text: string, path: Path): PyFloat {
    const value = Number(text);
    const repr = pyFloatRepr(value);
    if (!Number.isFinite(value)) {
      this.out.warn("overflow", path, `${text} is beyond the largest double: Python reads it as ${repr}`);
    } else if (text !== repr && !sameDecimal(text, repr)) {
      this.out.warn(
        "precision",
        path,
        `${text} is not exactly a double: Python reads it as ${repr}, so every number that rounds to the same double shares this key`,
      );
    }
    if (Object.is(value, -0)) {
      this.out.warn(
        "negativeZero",
        path,
        `${text} is written -0.0: the same request with 0.0 or 0 gives another key`,
      );
    } else if (Number.isInteger(value)) {
      const asInt = Math.abs(value) < 1e16 ? String(value) : "the integer";
      this.out.warn(
        "integralFloat",
        path,
        `${text} is a float: written ${repr}, while ${asInt} written as an int gives another key`,
      );
    }
    return new PyFloat(value, text);
  }

  private checkString(value: string, path: Path, isKey: boolean): void {
    const what = isKey ? "the key" : "the string";
    // ASCII text is always NFC; normalizing every string of a large request would cost.
    if (!ASCII.test(value) && value.normalize("NFC") !== value) {
      this.out.warn(
        "notNfc",
        path,
        `${what} ${JSON.stringify(value)} is not in Unicode NFC: it looks like its composed form but hashes differently`,
      );
    }
    if (value.length > 0 && (/^\s/.test(value) || /\s$/.test(value))) {
      this.out.warn(
        "whitespace",
        path,
        `${what} ${JSON.stringify(value)} has leading or trailing whitespace: the trimmed text gives another key`,
      );
    }
  }

  /** scanstring_unicode (strict): `end` is just after the opening quote. */
  scanString(end: number): [string, number] {
    const s = this.s;
    const len = this.n;
    const begin = end - 1;
    const chunks: string[] = [];
    for (;;) {
      let c = 0;
      let next = end;
      for (; next < len; next++) {
        c = s.charCodeAt(next);
        if (c === 0x22 || c === 0x5c) break;
        if (c <= 0x1f) throw new ScanError("Invalid control character at", next);
      }
      if (!(c === 0x22 || c === 0x5c) || next >= len)
        throw new ScanError("Unterminated string starting at", begin);
      if (next !== end) chunks.push(s.slice(end, next));
      next++;
      if (c === 0x22) {
        end = next;
        break;
      }
      if (next === len) throw new ScanError("Unterminated string starting at", begin);
      c = s.charCodeAt(next);
      if (c !== 0x75) {
        end = next + 1;
        const simple = SIMPLE_ESCAPES[String.fromCharCode(c)];
        if (simple === undefined) throw new ScanError("Invalid \\escape", end - 2);
        chunks.push(simple);
        continue;
      }
      const u = this.unicodeEscape(next + 1);
      end = u.end;
      chunks.push(u.text);
    }
    return [chunks.join(""), end];
  }

  /**
   * A `\\uXXXX` escape whose hex digits start at `next`; a high surrogate followed by an escaped
   * low one is joined, as Python joins them (one code point there, the same pair here).
   */
  private unicodeEscape(next: number): { text: string; end: number } {
    const s = this.s;
    const len = this.n;
    const end = next + 4;
    if (end >= len) throw new ScanError("Invalid \\uXXXX escape", next - 1);
    const code = this.hex4(next, end);
    if (
      code >= 0xd800 &&
      code <= 0xdbff &&
      end + 6 < len &&
      s.charCodeAt(end) === 0x5c &&
      s.charCodeAt(end + 1) === 0x75
    ) {
      const low = this.hex4(end + 2, end + 6);
      if (low >= 0xdc00 && low <= 0xdfff) return { text: String.fromCharCode(code, low), end: end + 6 };
    }
    return { text: String.fromCharCode(code), end };
  }

  /** Four hex digits ending at `end`; Python reports a bad one at the escape's "u". */
  private hex4(from: number, end: number): number {
    let code = 0;
    for (let i = from; i < end; i++) {
      const d = hexValue(this.s.charCodeAt(i));
      if (d < 0) throw new ScanError("Invalid \\uXXXX escape", end - 5);
      code = (code << 4) | d;
    }
    return code;
  }

  private enter(depth: number, idx: number, what: string): void {
    if (depth > MAX_DEPTH)
      throw new ScanError(
        `nested deeper than ${MAX_DEPTH} levels: Python raises RecursionError while decoding a JSON ${what}`,
        idx,
      );
  }

  private parseObject(start: number, depth: number, path: Path): [PyDict, number] {
    this.enter(depth, start - 1, "object");
    const s = this.s;
    const end = this.n - 1;
    const entries = new Map<string, PyValue>();
    const seen = new Map<string, number>();
    let idx = this.skipWs(start);
    if (idx > end || s.charCodeAt(idx) !== 0x7d) {
      for (;;) {
        if (idx > end || s.charCodeAt(idx) !== 0x22)
          throw new ScanError("Expecting property name enclosed in double quotes", idx);
        let key: string;
        [key, idx] = this.scanString(idx + 1);
        const childPath: Path = { parent: path, segment: key };
        this.checkString(key, childPath, true);
        idx = this.skipWs(idx);
        if (idx > end || s.charCodeAt(idx) !== 0x3a) throw new ScanError("Expecting ':' delimiter", idx);
        idx = this.skipWs(idx + 1);
        let value: PyValue;
        [value, idx] = this.scan(idx, depth, childPath);
        seen.set(key, (seen.get(key) ?? 0) + 1);
        entries.set(key, value);
        idx = this.skipWs(idx);
        if (idx <= end && s.charCodeAt(idx) === 0x7d) break;
        if (idx > end || s.charCodeAt(idx) !== 0x2c) throw new ScanError("Expecting ',' delimiter", idx);
        idx = this.skipWs(idx + 1);
      }
    }
    for (const [key, count] of seen) {
      if (count > 1)
        this.out.warn(
          "duplicateKey",
          { parent: path, segment: key },
          `the key ${JSON.stringify(key)} appears ${count} times: Python keeps the last value, other readers may keep the first`,
        );
    }
    return [new PyDict(entries), idx + 1];
  }

  private parseArray(start: number, depth: number, path: Path): [PyValue[], number] {
    this.enter(depth, start - 1, "array");
    const s = this.s;
    const end = this.n - 1;
    const items: PyValue[] = [];
    let idx = this.skipWs(start);
    if (idx > end || s.charCodeAt(idx) !== 0x5d) {
      for (;;) {
        let value: PyValue;
        [value, idx] = this.scan(idx, depth, { parent: path, segment: items.length });
        items.push(value);
        idx = this.skipWs(idx);
        if (idx <= end && s.charCodeAt(idx) === 0x5d) break;
        if (idx > end || s.charCodeAt(idx) !== 0x2c) throw new ScanError("Expecting ',' delimiter", idx);
        idx = this.skipWs(idx + 1);
      }
    }
    return [items, idx + 1];
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Offset of `idx` (UTF-16 units) in code points, as Python counts characters. */
function codePointOffset(s: string, idx: number): number {
  let pairs = 0;
  for (let i = 0; i < idx - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return idx - pairs;
}

/** Python's JSONDecodeError position: `line`, `column` (1-based), `char` (code points). */
export function pyJsonError(s: string, reason: string, idx: number): PyJsonError {
  const before = s.slice(0, idx);
  const line = before.split("\n").length;
  const lastNl = before.lastIndexOf("\n");
  const pos = codePointOffset(s, idx);
  const column = lastNl < 0 ? pos + 1 : pos - codePointOffset(s, lastNl);
  return new PyJsonError(reason, pos, line, column);
}

/** The index of the first lone UTF-16 surrogate, or -1: such text cannot come from UTF-8 bytes. */
function loneSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

/** `json.loads(text)`, with the warnings found on the way. Throws PyJsonError. */
export function pyJsonLoads(text: string, out: Collector = { warn() {} }): PyValue {
  if (text.charCodeAt(0) === 0xfeff)
    throw pyJsonError(text, "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
  const lone = loneSurrogate(text);
  if (lone >= 0)
    throw pyJsonError(
      text,
      `the text holds a lone UTF-16 surrogate (U+${text.charCodeAt(lone).toString(16).toUpperCase()}), which no UTF-8 request can carry (write it as a \\u escape)`,
      lone,
    );
  const scanner = new Scanner(text, out);
  try {
    const [value, end] = scanner.scan(scanner.skipWs(0), 0, null);
    const after = scanner.skipWs(end);
    if (after !== text.length) throw new ScanError("Extra data", after);
    return value;
  } catch (err) {
    if (err instanceof StopIteration) throw pyJsonError(text, "Expecting value", err.idx);
    if (err instanceof ScanError) throw pyJsonError(text, err.reason, err.idx);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing: json.dumps(sort_keys=True, separators=(",", ":")), ensure_ascii and allow_nan on.

/**
 * Python's `repr(float)`: the shortest digits that read back to the same double (as JavaScript's
 * Number#toString picks them), laid out the Python way: exponent form below 1e-4 and from 1e16,
 * a two-digit signed exponent ("1e-05", "1e+16"), ".0" on integral values.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const { digits, decpt } = shortestDigits(Math.abs(x));
  if (decpt <= -4 || decpt > 16) {
    const exp = decpt - 1;
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** Significant digits (no leading or trailing zeros) and the point's place: x = 0.DIGITS × 10^decpt. */
function shortestDigits(x: number): { digits: string; decpt: number } {
  return decimalParts(String(x));
}

/** A decimal text's significant digits and point place; digits "" means zero. */
function decimalParts(text: string): { digits: string; decpt: number } {
  const t = text.replace(/^[-+]/, "");
  const eAt = t.search(/[eE]/);
  const mantissa = eAt < 0 ? t : t.slice(0, eAt);
  const exp = eAt < 0 ? 0 : Number(t.slice(eAt + 1));
  const dot = mantissa.indexOf(".");
  const intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const all = dot < 0 ? mantissa : intPart + mantissa.slice(dot + 1);
  let decpt = intPart.length + exp;
  let start = 0;
  while (start < all.length && all[start] === "0") start++;
  decpt -= start;
  const digits = all.slice(start).replace(/0+$/, "");
  return { digits, decpt: digits === "" ? 0 : decpt };
}

/** Whether two decimal texts denote the same number (sign of zero aside). */
function sameDecimal(a: string, b: string): boolean {
  const pa = decimalParts(a);
  const pb = decimalParts(b);
  if (pa.digits === "" || pb.digits === "") return pa.digits === pb.digits;
  return a.startsWith("-") === b.startsWith("-") && pa.digits === pb.digits && pa.decpt === pb.decpt;
}

/** Python's ensure_ascii string encoder: every character outside 0x20-0x7e escaped, lowercase hex. */
export function pyEncodeString(value: string): string {
  let out = '"';
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += value.slice(run, i);
    run = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += "\\\\";
        break;
      case 0x08:
        out += "\\b";
        break;
      case 0x0c:
        out += "\\f";
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      default:
        // Astral characters are surrogate pairs here: escaping each unit gives Python's pair.
        out += `\\u${c.toString(16).padStart(4, "0")}`;
    }
  }
  return `${out}${value.slice(run)}"`;
}

/** Python's str ordering: by code point, so astral characters sort after U+E000-U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // Back up to the start of a pair whose low halves differ, then compare whole code points.
  const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
  const prev = i > 0 ? a.charCodeAt(i - 1) : 0;
  const start =
    prev >= 0xd800 && prev <= 0xdbff && (isLow(a.charCodeAt(i)) || isLow(b.charCodeAt(i))) ? i - 1 : i;
  return (a.codePointAt(start) ?? 0) - (b.codePointAt(start) ?? 0);
}

function scalarKind(v: PyValue): "string" | "number" | "bool" | "other" {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (v instanceof PyInt || v instanceof PyFloat) return "number";
  return "other";
}

function numberOf(v: PyInt | PyFloat): number {
  return v instanceof PyInt ? Number(v.text) : v.value;
}

/** Negative when a sorts before b the way `sorted()` would put them; NaN compares as equal. */
function compareItems(a: PyValue, b: PyValue, ca: string, cb: string): number {
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if ((a instanceof PyInt || a instanceof PyFloat) && (b instanceof PyInt || b instanceof PyFloat)) {
    if (a instanceof PyInt && b instanceof PyInt) {
      const d = BigInt(a.text) - BigInt(b.text);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    const d = numberOf(a) - numberOf(b);
    return Number.isNaN(d) ? 0 : d;
  }
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

function checkListOrder(items: PyValue[], texts: string[], path: Path, out: Collector): void {
  if (items.length < 2) return;
  const kinds = new Set(items.map(scalarKind));
  if (kinds.size !== 1) return;
  for (let i = 1; i < items.length; i++) {
    if (
      compareItems(items[i - 1] as PyValue, items[i] as PyValue, texts[i - 1] as string, texts[i] as string) >
      0
    ) {
      const [kind] = kinds;
      const order = kind === "other" ? "by their canonical JSON" : kind === "number" ? "numerically" : "";
      out.warn(
        "unsortedList",
        path,
        `the list is not sorted${order ? ` ${order}` : ""} (item ${i} sorts before item ${i - 1}): if its order carries no meaning, the same items in another order give another key`,
      );
      return;
    }
  }
}

/** json.dumps(value, sort_keys=True, separators=(",", ":")); checks list order on the way. */
export function pyJsonDumps(value: PyValue, out: Collector = { warn() {} }, path: Path = null): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return pyEncodeString(value);
  if (value instanceof PyInt) return value.text;
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) {
    const texts = value.map((item, i) => pyJsonDumps(item, out, { parent: path, segment: i }));
    checkListOrder(value, texts, path, out);
    return `[${texts.join(",")}]`;
  }
  const keys = [...value.entries.keys()].sort(compareCodePoints);
  const parts = keys.map(
    (k) =>
      `${pyEncodeString(k)}:${pyJsonDumps(value.entries.get(k) as PyValue, out, { parent: path, segment: k })}`,
  );
  return `{${parts.join(",")}}`;
}

// ---------------------------------------------------------------------------------------------
// The key.

export interface Canonical {
  canonical: string;
  /** SHA-256 of the canonical text's bytes (ASCII), hex. */
  sha256: string;
  /** The first 16 hex digits: the `{request_hash}` of the key. */
  hash: string;
  warnings: CacheKeyWarning[];
  /** Warnings found beyond MAX_WARNINGS. */
  warningsOmitted: number;
}

/** Reads the request text as ISL would and returns its canonical form and hash. Throws PyJsonError. */
export function canonicalize(text: string): Canonical {
  const warnings: CacheKeyWarning[] = [];
  let omitted = 0;
  const out: Collector = {
    warn(kind, path, message) {
      if (warnings.length < MAX_WARNINGS) warnings.push({ kind, path: formatPath(path), message });
      else omitted++;
    },
  };
  const value = pyJsonLoads(text, out);
  const canonical = pyJsonDumps(value, out);
  const sha256 = createHash("sha256").update(canonical, "latin1").digest("hex");
  return { canonical, sha256, hash: sha256.slice(0, 16), warnings, warningsOmitted: omitted };
}

export interface KeyTemplate {
  /** The text before the placeholder: "isl:result:". */
  prefix: string;
  /** The placeholder's name: "request_hash". */
  placeholder: string;
  /** The text after the placeholder (usually empty). */
  suffix: string;
}

/** A pattern template with exactly one `{placeholder}`, split around it; undefined otherwise. */
export function parseKeyTemplate(template: string): KeyTemplate | undefined {
  const m = /^([^{}]*)\{([^{}]+)\}([^{}]*)$/.exec(template);
  if (!m) return undefined;
  return { prefix: m[1] as string, placeholder: m[2] as string, suffix: m[3] as string };
}

export function keyFor(template: KeyTemplate, hash: string): string {
  return `${template.prefix}${hash}${template.suffix}`;
}

/** The first index where two texts differ, or -1 when they are equal. */
export function firstDifference(a: string, b: string): number {
  if (a === b) return -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return n;
}

export interface OfferedPattern {
  name: string;
  template: string;
  placeholder: string;
  description: string;
}

/** The policy patterns a request hash can fill: those whose template has exactly one placeholder. */
export function offeredPatterns(
  patterns: readonly { name: string; template: string; description?: string }[],
): OfferedPattern[] {
  const out: OfferedPattern[] = [];
  for (const p of patterns) {
    const t = parseKeyTemplate(p.template);
    if (t)
      out.push({
        name: p.name,
        template: p.template,
        placeholder: t.placeholder,
        description: p.description ?? "",
      });
  }
  return out;
}
