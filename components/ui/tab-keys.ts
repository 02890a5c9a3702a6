// The ARIA tabs pattern's keys: Left/Right move (wrapping at the ends), Home/End jump to the ends.
// Pure, so the wrap-around is tested without a browser.

/** The index the key moves the selection to, or null when the key is not one of the pattern's. */
export function tabKeyTarget(key: string, at: number, count: number): number | null {
  if (count === 0) return null;
  const last = count - 1;
  switch (key) {
    case "ArrowRight":
      return at >= last ? 0 : at + 1;
    case "ArrowLeft":
      return at <= 0 ? last : at - 1;
    case "Home":
      return 0;
    case "End":
      return last;
    default:
      return null;
  }
}
