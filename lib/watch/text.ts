// The watch's sentences, pure: missed windows and why it is off, with times in UTC.

/** "12:01:03" (UTC), with the date when not on `now`'s UTC day. */
export function clock(ms: number, now: number): string {
  const iso = new Date(ms).toISOString();
  const today = new Date(now).toISOString().slice(0, 10);
  return iso.slice(0, 10) === today ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** "writes between 12:01:03 and 12:01:09 UTC were not watched; the next scan covers them". */
export function missedText(from: number, to: number | undefined, now: number, node?: string): string {
  const where = node ? ` on ${node}` : "";
  if (to === undefined)
    return `writes${where} since ${clock(from, now)} UTC are not watched (reconnecting); the next scan covers them`;
  return `writes${where} between ${clock(from, now)} and ${clock(to, now)} UTC were not watched; the next scan covers them`;
}

/** "notify-keyspace-events is '' on 127.0.0.1:6379: an admin can turn it on under Config". */
export function flagsOffText(value: string, missing: string[], node: string): string {
  const lacks = value === "" ? "" : ` (lacks ${missing.join(" ")})`;
  return `notify-keyspace-events is '${value}' on ${node}${lacks}: an admin can turn it on under Config`;
}
