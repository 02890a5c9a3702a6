// The value axis of a chart with an alert threshold. Pure: numbers in, numbers out.

/**
 * Fits the axis to the data and the threshold. A threshold more than four times the data would
 * flatten the lines into the axis: it is then off scale (named in the caption, not drawn), unless
 * `domainMax` keeps it in view anyway. A drawn threshold gets 10 % headroom under the axis top.
 * `ticksFor` turns the highest value to show into round ticks; the last tick is the axis top.
 */
export function valueScale({
  dataMax,
  thresholdMax,
  domainMax = 0,
  ticksFor,
}: {
  dataMax: number;
  /** The threshold's highest value in the range; 0 without a threshold. */
  thresholdMax: number;
  /** A value the axis always reaches (1 for a ratio). */
  domainMax?: number;
  ticksFor: (top: number) => number[];
}): { offScale: boolean; ticks: number[]; top: number } {
  const offScale = thresholdMax > 0 && dataMax * 4 < thresholdMax && domainMax < thresholdMax;
  const highest = Math.max(dataMax, domainMax, offScale ? 0 : thresholdMax * 1.1) || 1;
  const ticks = ticksFor(highest);
  return { offScale, ticks, top: ticks.at(-1) ?? highest };
}
