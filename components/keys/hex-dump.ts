// Hex dump text for binary string values, as `xxd`-style lines. Pure.

const HEX_LINE = 16;

/** Lines of offset, bytes, and the printable ASCII beside them, from a hex string (two digits per byte). */
export function hexDump(hex: string): string {
  const lines: string[] = [];
  for (let at = 0; at < hex.length; at += HEX_LINE * 2) {
    const bytes = hex.slice(at, at + HEX_LINE * 2).match(/../g) ?? [];
    const ascii = bytes.map((b) => {
      const n = parseInt(b, 16);
      return n >= 0x20 && n <= 0x7e ? String.fromCharCode(n) : ".";
    });
    lines.push(
      `${(at / 2).toString(16).padStart(8, "0")}  ${bytes.join(" ").padEnd(HEX_LINE * 3 - 1)}  ${ascii.join("")}`,
    );
  }
  return lines.join("\n");
}
