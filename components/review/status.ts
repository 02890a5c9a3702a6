// Words and tones for the review's verdicts: every status is a word as well as a colour.
import type { Tone } from "@/components/ui/badge";
import type { KeysStatus, SizeFlag } from "@/lib/schemas/review";

export const keysStatusBadge: Record<KeysStatus, { tone: Tone; word: string }> = {
  below: { tone: "info", word: "below range" },
  within: { tone: "ok", word: "within range" },
  above: { tone: "warn", word: "above range" },
};

export const sizeFlagBadge: Record<SizeFlag, { tone: Tone; word: string }> = {
  small: { tone: "info", word: "under ½×" },
  typical: { tone: "ok", word: "typical" },
  large: { tone: "warn", word: "over 2×" },
};

/** "+12", "−3", "±0" with the formatter's unit. */
export function signed(n: number, format: (n: number) => string): string {
  if (n === 0) return "±0";
  return `${n > 0 ? "+" : "−"}${format(Math.abs(n))}`;
}
