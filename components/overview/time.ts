// Short UTC clock times for banners and notes; always with their zone. Chart axes have their own
// (components/charts/ticks.ts), so the charts import nothing from the overview.

const pad = (n: number) => String(n).padStart(2, "0");

/** "10:42:05 UTC" */
export function clockUtc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return "—";
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}
