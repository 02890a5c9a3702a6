// Short UTC clock times for banners, axes and tooltips; always with their zone.

const pad = (n: number) => String(n).padStart(2, "0");

/** "10:42:05 UTC" */
export function clockUtc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return "—";
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** Axis ticks: "10:42" for short ranges, "11-29 10:42" when the range spans days. */
export function tickUtc(t: number, withDay: boolean): string {
  const d = new Date(t);
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return withDay ? `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hm}` : hm;
}
