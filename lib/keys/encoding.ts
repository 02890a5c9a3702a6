// Binary-safe key names: Buffers inside, `display` text (escaped like redis-cli) and base64 outside.
// Pure (no I/O); uses Node Buffers for the base64 codecs.

const HEX = "0123456789abcdef";

/** Escapes bytes as redis-cli prints them: printable ASCII as is, `\"` and `\\`, \n \r \t \a \b, else \xNN. */
export function displayKey(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    switch (b) {
      case 0x5c:
        out += "\\\\";
        break;
      case 0x22:
        out += '\\"';
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
      case 0x07:
        out += "\\a";
        break;
      case 0x08:
        out += "\\b";
        break;
      default:
        out += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
    }
  }
  return out;
}

/** redis-cli's quoted form: `"isl:result:\xff"`. */
export function quotedKey(bytes: Uint8Array): string {
  return `"${displayKey(bytes)}"`;
}

/** Reverses displayKey: lets an operator type `isl:x:\xff` and mean the byte. */
export function parseDisplayKey(text: string): Uint8Array {
  const out: number[] = [];
  const utf8 = new TextEncoder();
  // Literal text is encoded in runs, not per UTF-16 unit, so a surrogate pair (emoji) stays one character.
  let literal = "";
  const flush = () => {
    for (const b of utf8.encode(literal)) out.push(b);
    literal = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch !== "\\" || i === text.length - 1) {
      literal += ch;
      continue;
    }
    flush();
    const next = text[i + 1] as string;
    const simple: Record<string, number> = {
      "\\": 0x5c,
      '"': 0x22,
      n: 0x0a,
      r: 0x0d,
      t: 0x09,
      a: 0x07,
      b: 0x08,
    };
    if (next in simple) {
      out.push(simple[next] as number);
      i++;
    } else if (next === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(0x5c);
    }
  }
  flush();
  return Uint8Array.from(out);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict decoding: malformed input returns undefined (callers answer 400), never garbage bytes.
 * Only the canonical encoding is accepted ("QR==" is refused, "QQ==" is not), so one key has one spelling.
 */
export function fromBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

export function fromBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : undefined;
}

export function base64ToBase64Url(b64: string): string {
  return b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The JSON form of a key everywhere in the API. */
export interface KeyRef {
  key: string;
  keyBase64: string;
}

export function keyRef(bytes: Uint8Array): KeyRef {
  return { key: displayKey(bytes), keyBase64: toBase64(bytes) };
}

/**
 * A key's hash tag as Redis Cluster reads it: the bytes between the first `{` and the first `}`
 * after it, when there are any. Keys with the same tag live in the same slot; a key without one
 * (no braces, or `{}` empty) is hashed whole.
 */
export function hashTag(bytes: Uint8Array): Uint8Array | undefined {
  const open = bytes.indexOf(0x7b);
  if (open === -1) return undefined;
  const close = bytes.indexOf(0x7d, open + 1);
  if (close === -1 || close === open + 1) return undefined;
  return bytes.subarray(open + 1, close);
}
