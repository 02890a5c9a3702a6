import { Badge, type Tone } from "@/components/ui/badge";
import type { WatchState } from "@/lib/schemas/watch";

const look: Record<WatchState, { tone: Tone; word: string }> = {
  on: { tone: "ok", word: "on" },
  off: { tone: "neutral", word: "off" },
  starting: { tone: "info", word: "starting" },
  reconnecting: { tone: "warn", word: "reconnecting" },
};

/** The watch's state: colour and word; "partly on" when some masters are not watched. */
export function WatchStateBadge({ state, partial = false }: { state: WatchState; partial?: boolean }) {
  const { tone, word } = look[state];
  return (
    <Badge tone={partial && state === "on" ? "warn" : tone} data-watch-state={state}>
      {partial && state === "on" ? "partly on" : word}
    </Badge>
  );
}

/** "12:01:05 UTC" (with the date when not today). */
export function utcClock(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [day, time] = d.toISOString().slice(0, 19).split("T");
  return day === new Date(now).toISOString().slice(0, 10) ? `${time} UTC` : `${day} ${time} UTC`;
}
