// "about 1 min 20 s left": the estimate a progress line shows, from the rate so far and the total
// (DBSIZE at the start, itself an estimate). Pure.
import { formatDuration } from "@/lib/format";

export function timeLeftText(
  scanned: number,
  total: number,
  keysPerSecond: number | undefined,
): string | undefined {
  if (!keysPerSecond || keysPerSecond <= 0 || !Number.isFinite(keysPerSecond) || total <= 0) return undefined;
  const seconds = (total - scanned) / keysPerSecond;
  if (seconds < 5) return "almost done";
  // Coarse steps: the rate moves with the gentle throttle, a precise figure would only flicker.
  const rounded = seconds < 60 ? Math.ceil(seconds / 5) * 5 : Math.ceil(seconds / 10) * 10;
  return `about ${formatDuration(rounded)} left`;
}
