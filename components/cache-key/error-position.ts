// Where the API's Python-style parse error points, so the page can select that character in the
// text box. Python counts characters (code points); a text box counts UTF-16 units. Pure.

export interface ErrorPosition {
  field: "request" | "compare";
  /** Offset in code points, as Python's "(char N)". */
  char: number;
}

/** The field and offset named by a calculator 400 message, or undefined for other errors. */
export function errorPosition(message: string): ErrorPosition | undefined {
  const m = /^the (request|compare) text is not JSON[\s\S]*\(char (\d+)\)$/.exec(message);
  if (!m) return undefined;
  return { field: m[1] as ErrorPosition["field"], char: Number(m[2]) };
}

/** The UTF-16 index of code point offset `char` in `text` (clamped to its length). */
export function utf16Index(text: string, char: number): number {
  let i = 0;
  for (let cp = 0; cp < char && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    i += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
  }
  return i;
}
