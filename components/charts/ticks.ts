// Axis ticks the charts share: round byte values in binary units (0, 256 MiB, 512 MiB, 1 GiB…)
// and UTC time ticks whose step and label follow the span (seconds, times of day, dates).
// Pure: numbers in, numbers and strings out.

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/**
 * Ticks from 0 to at least `max`, the step a power of two bytes, so every tick is a round number
 * in its binary unit. At most `maxIntervals` intervals; the last tick is the axis top.
 */
export function niceByteTicks(max: number, maxIntervals = 5): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1024];
  let step = 1;
  while (Math.ceil(max / step) > maxIntervals) step *= 2;
  const n = Math.max(1, Math.ceil(max / step));
  return Array.from({ length: n + 1 }, (_, i) => i * step);
}

/**
 * Ticks from 0 to at least `max` on a 1-2-5 step (0, 20, 40… or 0, 0.5, 1…), at most `maxIntervals`
 * intervals. `minStep` keeps the step no finer than the chart's label precision (1 for counts, 0.1
 * for a one-decimal format), so two ticks never print the same label.
 */
export function niceTicks(max: number, minStep = 0, maxIntervals = 4): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, minStep > 0 ? minStep : 1];
  const raw = max / maxIntervals;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(minStep, ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude);
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  // toPrecision: 3 * 0.1 is 0.30000000000000004, which a formatter would print as such.
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** A byte tick in the largest unit it reaches, without trailing zeros: "512 MiB", "1.5 GiB", "0 B". */
export function formatByteTick(bytes: number): string {
  if (!Number.isFinite(bytes)) return "—";
  let unit = 0;
  let value = bytes;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = String(Number(value.toFixed(2)));
  return `${text} ${BYTE_UNITS[unit]}`;
}

/** Count ticks for a symlog axis: 0, 10, 100, 1k… up to the first power of ten at or above the largest count. */
export function logCountTicks(max: number): number[] {
  const ticks = [0];
  for (let t = 10; ticks.length < 2 || (ticks.at(-1) ?? 0) < max; t *= 10) ticks.push(t);
  return ticks;
}

/** "1M", "100k", "10": short enough for a narrow axis. */
export function compactCount(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toFixed(1))}M`;
  if (n >= 1e3) return `${Number((n / 1e3).toFixed(1))}k`;
  return String(n);
}

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const fixedSteps = [
  SEC,
  2 * SEC,
  5 * SEC,
  10 * SEC,
  15 * SEC,
  30 * SEC,
  MIN,
  2 * MIN,
  5 * MIN,
  10 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
];
const monthSteps = [1, 2, 3, 6, 12];

/** Days from UTC midnight, weeks from a Monday (the epoch, a Thursday, is UTC midnight). */
const alignOf = (step: number) => (step === 7 * DAY || step === 14 * DAY ? 4 * DAY : 0);

export interface TimeTicks {
  ticks: number[];
  format: (t: number) => string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const hm = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

function formatFor(step: number, from: number, to: number): (t: number) => string {
  if (step >= DAY) return (t) => ymd(new Date(t));
  const acrossDays = ymd(new Date(from)) !== ymd(new Date(to));
  const withSeconds = step < MIN;
  return (t) => {
    const d = new Date(t);
    const time = withSeconds ? `${hm(d)}:${pad(d.getUTCSeconds())}` : hm(d);
    return acrossDays ? `${ymd(d).slice(5)} ${time}` : time;
  };
}

function monthTicks(from: number, to: number, maxTicks: number): number[] {
  const start = new Date(from);
  const months =
    (new Date(to).getUTCFullYear() - start.getUTCFullYear()) * 12 +
    new Date(to).getUTCMonth() -
    start.getUTCMonth();
  const step = monthSteps.find((m) => months / m <= maxTicks) ?? Math.ceil(months / maxTicks);
  const ticks: number[] = [];
  // First of the month on a multiple of the step, counted from January.
  let y = start.getUTCFullYear();
  let m = Math.ceil(start.getUTCMonth() / step) * step;
  for (;;) {
    const t = Date.UTC(y, m, 1);
    if (t > to) break;
    if (t >= from) ticks.push(t);
    m += step;
    if (m >= 12) {
      y += Math.floor(m / 12);
      m %= 12;
    }
  }
  return ticks;
}

/**
 * UTC ticks over [from, to] (ms) on round instants, at most `maxTicks` of them, labelled with the
 * precision of the step: "10:42:30" below a minute, "10:45" below a day ("12-01 10:45" when the span
 * crosses midnight), "2026-12-02" for days and months. Distinct ticks never share a label.
 */
export function timeTicks(from: number, to: number, maxTicks = 6): TimeTicks {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
    const t = Number.isFinite(from) ? from : 0;
    return { ticks: [t], format: formatFor(SEC, t, t) };
  }
  // The finest step that puts at most maxTicks round instants in the range (counted, not estimated
  // from the span: 6.2 s holds six whole seconds).
  const step = fixedSteps.find(
    (s) => Math.floor((to - alignOf(s)) / s) - Math.ceil((from - alignOf(s)) / s) + 1 <= maxTicks,
  );
  if (step === undefined) {
    const ticks = monthTicks(from, to, maxTicks);
    return { ticks, format: formatFor(DAY, from, to) };
  }
  const ticks: number[] = [];
  const offset = alignOf(step);
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  if (ticks.length === 0) ticks.push(from);
  return { ticks, format: formatFor(step, from, to) };
}
