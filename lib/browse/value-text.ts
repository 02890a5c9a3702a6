// The pure value-text helpers of the key browser: bytes as printable text, pretty JSON or hex, and a
// per-page text budget so no answer grows past about a megabyte. No I/O.
import { displayKey } from "@/lib/keys/encoding";
import type { KeyValue, TextValue } from "@/lib/schemas/keys";

/** Binary strings are shown as hex (two characters per byte): a shorter window keeps the answer small. */
export const MAX_HEX_BYTES = 256 * 1024;
/** One collection element is shown up to this many bytes. */
const MAX_ELEMENT_BYTES = 64 * 1024;
/** Text shown for one page of a collection; past it, elements are cut short. */
const MAX_PAGE_BYTES = 1024 * 1024;
const ELEMENT_BYTES_PAST_BUDGET = 256;

const NOT_PRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** The bytes as text when they are printable UTF-8; a cut may split the last character, so trim it. */
export function decodePrintable(bytes: Buffer, cut: boolean): string | undefined {
  for (let trim = 0; trim <= (cut ? 3 : 0) && trim < bytes.length + 1; trim++) {
    try {
      const text = utf8Decoder.decode(bytes.subarray(0, bytes.length - trim));
      return NOT_PRINTABLE.test(text) ? undefined : text;
    } catch {
      // try one byte shorter
    }
  }
  return undefined;
}

/**
 * Re-indents JSON text that JSON.parse accepted, without parsing its numbers: a 20-digit id or
 * 0.10000000000000001 is shown exactly as stored.
 */
export function reindentJson(text: string, indentBy = 2): string {
  const out: string[] = [];
  let depth = 0;
  const newline = () => "\n" + " ".repeat(depth * indentBy);
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out.push(text.slice(i, j + 1));
      i = j;
    } else if (c === "{" || c === "[") {
      let j = i + 1;
      while (/\s/.test(text[j] ?? "")) j++;
      if (text[j] === (c === "{" ? "}" : "]")) {
        out.push(c, text[j] as string);
        i = j;
      } else {
        depth++;
        out.push(c, newline());
      }
    } else if (c === "}" || c === "]") {
      depth--;
      out.push(newline(), c);
    } else if (c === ",") {
      out.push(",", newline());
    } else if (c === ":") {
      out.push(": ");
    } else if (!/\s/.test(c)) {
      out.push(c);
    }
  }
  return out.join("");
}

function prettyJson(text: string): string | undefined {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return undefined;
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return reindentJson(text);
}

/** A string value as text, pretty JSON or hex, from the first bytes read and the full size. */
export function renderString(bytes: Buffer, size: number): Extract<KeyValue, { kind: "string" }> {
  const cut = bytes.length < size;
  const text = decodePrintable(bytes, cut);
  if (text !== undefined) {
    const json = cut ? undefined : prettyJson(text);
    if (json !== undefined)
      return {
        kind: "string",
        encoding: "json",
        value: json,
        size,
        shownBytes: bytes.length,
        truncated: false,
      };
    return {
      kind: "string",
      encoding: "text",
      value: text,
      size,
      shownBytes: Buffer.byteLength(text),
      truncated: cut,
    };
  }
  const shown = bytes.subarray(0, MAX_HEX_BYTES);
  return {
    kind: "string",
    encoding: "hex",
    value: shown.toString("hex"),
    size,
    shownBytes: shown.length,
    truncated: shown.length < size,
  };
}

/** Hands out text for a page's elements until the page budget is spent, then cuts elements short. */
export class PageBudget {
  private left = MAX_PAGE_BYTES;

  text(bytes: Buffer): TextValue {
    const cap = this.left > 0 ? Math.min(MAX_ELEMENT_BYTES, this.left) : ELEMENT_BYTES_PAST_BUDGET;
    const shown = bytes.length > cap ? bytes.subarray(0, cap) : bytes;
    const cut = shown.length < bytes.length;
    const printable = decodePrintable(shown, cut);
    const text = printable ?? displayKey(shown);
    this.left -= text.length;
    const value: TextValue = { text, utf8: printable !== undefined };
    if (cut) value.truncatedFrom = bytes.length;
    return value;
  }
}
