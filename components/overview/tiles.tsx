// The headline tiles: each figure with its unit, coloured against its alert threshold, and the
// status in words as well as colour. Greyed when the figures are the last known ones.
import { Badge, type Tone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { formatBytes, formatCount, formatCountOf, formatPercent } from "@/lib/format";
import type { Overview } from "@/lib/schemas/overview";

interface TileSpec {
  label: string;
  value: string;
  hint: string;
  tone: Tone;
  status: string;
}

const fixed = (v: number | null, digits = 1) => (v === null ? "—" : v.toFixed(digits));

function memoryTile(o: Overview): TileSpec {
  const { usedBytes, maxBytes, ratio } = o.memory;
  const th = o.thresholds.memoryRatio;
  const base = {
    label: "Memory",
    hint: maxBytes
      ? `${formatBytes(usedBytes)} of ${formatBytes(maxBytes)}`
      : `${formatBytes(usedBytes)} used`,
  };
  if (ratio === null)
    return { ...base, value: formatBytes(usedBytes), tone: "neutral", status: "no maxmemory" };
  const tone: Tone = ratio > th ? "bad" : ratio > th * 0.9 ? "warn" : "ok";
  return {
    ...base,
    value: formatPercent(ratio),
    tone,
    status: ratio > th ? "over threshold" : tone === "warn" ? "near threshold" : "normal",
  };
}

function evictionsTile(o: Overview): TileSpec {
  const v = o.evictionsPerMinute;
  const th = o.thresholds.evictionsPerMinute;
  const tone: Tone = v === null ? "neutral" : v > th ? "bad" : v > 0 ? "warn" : "ok";
  const status = v === null ? "no data" : v > th ? "high" : v > 0 ? "evicting" : "none";
  return {
    label: "Evictions",
    value: `${fixed(v)} /min`,
    hint: `${o.windows.evictionsSeconds / 60} min rate · alert > ${th}`,
    tone,
    status,
  };
}

function hitRateTile(o: Overview): TileSpec {
  const v = o.hitRate;
  const target = o.thresholds.hitRate;
  const tone: Tone = v === null ? "neutral" : v < target ? "warn" : "ok";
  const status = v === null ? "no lookups" : v < target ? "under target" : "on target";
  return {
    label: "Hit rate",
    value: formatPercent(v),
    hint: `last ${o.windows.hitRateSeconds / 60} min · target ${formatPercent(target, 0)}`,
    tone,
    status,
  };
}

function clientsTile(o: Overview): TileSpec {
  const { connected, max, ratio } = o.clients;
  const th = o.thresholds.clientsRatio;
  const tone: Tone = ratio === null ? "neutral" : ratio > th ? "bad" : ratio > th * 0.8 ? "warn" : "ok";
  const status =
    ratio === null ? "max unknown" : ratio > th ? "near max" : tone === "warn" ? "elevated" : "normal";
  return {
    label: "Clients",
    value: `${formatCount(connected)} connected`,
    hint: `${formatPercent(ratio)} of max ${formatCount(max)}`,
    tone,
    status,
  };
}

function latencyTile(o: Overview): TileSpec {
  const { p50, p95 } = o.latencyMs;
  const th = o.thresholds.latencyMs;
  const tone: Tone = p95 === null ? "neutral" : p95 > th ? "bad" : p95 > th / 2 ? "warn" : "ok";
  const status = p95 === null ? "no data" : p95 > th ? "slow" : tone === "warn" ? "elevated" : "fast";
  return {
    label: "Latency (PING)",
    value: `${fixed(p95, 2)} ms p95`,
    hint: `p50 ${fixed(p50, 2)} ms · alert > ${th} ms`,
    tone,
    status,
  };
}

export function tilesFor(o: Overview): TileSpec[] {
  return [
    memoryTile(o),
    evictionsTile(o),
    hitRateTile(o),
    {
      label: "Ops",
      value: `${fixed(o.opsPerSecond)} /s`,
      hint: `commands, last ${o.windows.opsSeconds} s`,
      tone: "neutral",
      status: "throughput",
    },
    clientsTile(o),
    latencyTile(o),
    {
      label: "Keys",
      value: formatCountOf(o.keys, "key"),
      hint: o.kind === "cluster" ? "over all masters" : "in this database",
      tone: "neutral",
      status: "count",
    },
  ];
}

const edge: Record<Tone, string> = {
  ok: "border-l-ok",
  warn: "border-l-warn",
  bad: "border-l-bad",
  info: "border-l-info",
  neutral: "border-l-line",
};

export function OverviewTiles({ overview, lastKnown }: { overview: Overview; lastKnown: boolean }) {
  return (
    <dl
      className={cn(
        "grid grid-cols-2 gap-2 sm:grid-cols-4 xl:grid-cols-7",
        lastKnown && "opacity-55 grayscale",
      )}
      aria-label={lastKnown ? "Last known figures" : "Current figures"}
    >
      {tilesFor(overview).map((t) => (
        <div
          key={t.label}
          data-testid="tile"
          data-tone={t.tone}
          className={cn("border-line bg-panel min-w-0 rounded-md border border-l-4 px-3 py-2", edge[t.tone])}
        >
          {/* Wraps instead of truncating: at 1280-1920 px seven tiles share a row, and a cut
              "1.01 GiB of 4.00…" hides the figure that matters. */}
          <dt className="text-muted flex flex-wrap items-center justify-between gap-1 text-xs">
            <span>{t.label}</span>
            <Badge tone={lastKnown ? "neutral" : t.tone}>{lastKnown ? "last known" : t.status}</Badge>
          </dt>
          <dd className="tabular mt-1 text-lg leading-tight font-semibold break-words" title={t.value}>
            {t.value}
          </dd>
          <dd className="tabular text-muted text-xs break-words" title={t.hint}>
            {t.hint}
          </dd>
        </div>
      ))}
    </dl>
  );
}
