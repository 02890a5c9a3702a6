// The review as downloadable text: JSON, CSV (one file, one block per section) and Markdown.
// Pure: a Review in, a string out. Key names are escaped for each format so a hostile key name
// can neither break a table, inject a spreadsheet formula, nor become HTML.
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatTime,
  scanDuration,
} from "@/lib/format";
import type { Review, ReviewFormat, ReviewPattern } from "@/lib/schemas/review";
import type { ScanBiggestEntry, ScanPrefix } from "@/lib/schemas/scans";
import { csvCell } from "@/lib/audit/csv";

export const REVIEW_CONTENT_TYPES: Record<ReviewFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  md: "text/markdown; charset=utf-8",
};

/** "isl-review-demo-2026-11-29.md": the instance id made file-safe, the scan's day in UTC. */
export function reviewFileName(review: Review, format: ReviewFormat): string {
  const id = review.instance.id.replace(/[^A-Za-z0-9._-]+/g, "_");
  return `isl-review-${id}-${review.scan.startedAt.slice(0, 10)}.${format}`;
}

export function renderReview(review: Review, format: ReviewFormat): string {
  if (format === "csv") return reviewToCsv(review);
  if (format === "md") return reviewToMarkdown(review);
  return reviewToJson(review);
}

export function reviewToJson(review: Review): string {
  return `${JSON.stringify(review, null, 2)}\n`;
}

// ---------------------------------------------------------------- CSV

type Cell = string | number | boolean | null;

function csvBlock(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n");
}

function csvSummary(r: Review): Cell[][] {
  const c = r.capacity;
  const rows: [string, Cell][] = [
    ["instance", r.instance.id],
    ["instance_name", r.instance.name],
    ["environment", r.instance.environment],
    ["generated_at", r.generatedAt],
    ["scan_id", r.scan.id],
    ["scan_started_at", r.scan.startedAt],
    ["scan_match", r.scan.match],
    ["scan_mode", r.scan.mode],
    ["scan_duration_ms", r.scan.durationMs],
    ["keys", r.scan.keys],
    ["bytes", r.scan.bytes],
    ["vanished", r.scan.vanished],
    ...Object.entries(r.scan.classes).map(([k, v]): [string, Cell] => [`class_${k}`, v]),
    ["baseline_scan_id", r.change?.baseline.scanId ?? null],
    ["baseline_started_at", r.change?.baseline.startedAt ?? null],
    ["change_keys", r.change?.keys ?? null],
    ["change_bytes", r.change?.bytes ?? null],
    ["change_note", r.changeNote],
    ["capacity_status", c.status],
    ["capacity_max_bytes", c.maxBytes],
    ["capacity_current_bytes", c.currentBytes],
    ["capacity_slope_bytes_per_day", c.fit?.slopeBytesPerDay ?? null],
    ["capacity_trend", c.trend],
    ...c.projections.flatMap((p): [string, Cell][] => [
      [`capacity_${p.months}m_at`, p.at],
      [`capacity_${p.months}m_bytes`, p.bytes],
      [`capacity_${p.months}m_ratio`, p.ratio],
    ]),
    ["capacity_crosses_80_at", c.crosses80At],
    ["capacity_already_above_80", c.alreadyAbove80],
    ["capacity_note", c.note],
  ];
  return rows.map(([field, value]) => ["summary", field, value]);
}

function csvPattern(p: ReviewPattern): Cell[] {
  return [
    "patterns",
    p.name,
    p.pattern,
    p.keys,
    p.expected.min,
    p.expected.max,
    p.keysStatus,
    p.bytes,
    p.shareOfBytes,
    p.avgBytes,
    p.typicalBytes,
    p.sizeRatio,
    p.sizeFlag,
    p.standardTtlSeconds,
    p.noTtl,
    p.aboveStandard,
    p.possiblePii,
    p.change?.keys ?? null,
    p.change?.bytes ?? null,
  ];
}

function csvBiggest(by: "memory" | "length", entries: ScanBiggestEntry[]): Cell[][] {
  return entries.map((e, i) => [
    "biggest",
    by,
    i + 1,
    e.key,
    e.keyBase64,
    e.pattern,
    e.type,
    e.bytes,
    e.length,
    e.ttl,
  ]);
}

function csvPrefixes(section: string, prefixes: ScanPrefix[]): Cell[][] {
  return prefixes.map((p) => [section, p.prefix, p.keys, p.bytes]);
}

export function reviewToCsv(r: Review): string {
  const blocks = [
    csvBlock(["section", "field", "value"], csvSummary(r)),
    csvBlock(
      [
        "section",
        "pattern",
        "template",
        "keys",
        "expected_min",
        "expected_max",
        "keys_status",
        "bytes",
        "share_of_bytes",
        "avg_bytes",
        "typical_bytes",
        "size_ratio",
        "size_flag",
        "standard_ttl_seconds",
        "no_ttl",
        "above_standard",
        "possible_pii",
        "change_keys",
        "change_bytes",
      ],
      r.patterns.map(csvPattern),
    ),
    csvBlock(
      ["section", "pattern", "ttl_le_seconds", "ttl_label", "keys", "over_standard"],
      r.patterns.flatMap((p) => [
        ["ttl_histogram", p.name, -1, "no TTL", p.noTtl, true] as Cell[],
        ...p.ttlHistogram.map((b): Cell[] => [
          "ttl_histogram",
          p.name,
          b.le,
          b.label,
          b.count,
          b.overStandard,
        ]),
      ]),
    ),
    csvBlock(
      [
        "section",
        "pattern",
        "mode",
        "judged",
        "read",
        "never_read",
        "read_share",
        "never_read_share",
        "last_read_histogram",
        "recommendations",
      ],
      r.patterns.map((p): Cell[] => {
        const e = p.effectiveness;
        return [
          "effectiveness",
          p.name,
          e?.mode ?? null,
          e ? e.judged : null,
          e ? e.read : null,
          e ? e.neverRead : null,
          e?.readShare ?? null,
          e?.neverReadShare ?? null,
          e?.lastReadHistogram?.map((b) => b.count).join(" ") ?? null,
          p.recommendations.map((x) => x.text).join(" | "),
        ];
      }),
    ),
    csvBlock(
      ["section", "prefix", "keys", "bytes"],
      [
        ...csvPrefixes("unknown_pattern_prefix", r.unknownPattern.prefixes),
        ...csvPrefixes("foreign_prefix", r.foreign.prefixes),
      ],
    ),
    csvBlock(
      ["section", "by", "rank", "key", "key_base64", "pattern", "type", "bytes", "length", "ttl_seconds"],
      [...csvBiggest("memory", r.biggest.byMemory), ...csvBiggest("length", r.biggest.byLength)],
    ),
    csvBlock(
      ["section", "t", "used_bytes"],
      r.capacity.series.map((p): Cell[] => ["memory_history", p.t, p.usedBytes]),
    ),
  ];
  return `${blocks.join("\r\n\r\n")}\r\n`;
}

// ---------------------------------------------------------------- Markdown

/** Plain text in a table cell: Markdown punctuation, pipes and HTML are escaped. */
export function mdText(text: string): string {
  return text
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ");
}

/** A key name as a code span: backslashes stay literal, the fence outgrows any backtick run, pipes are escaped for tables. */
export function mdCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || text === "" ? " " : "";
  return `${fence}${pad}${text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ")}${pad}${fence}`;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

function signed(n: number, format: (n: number) => string): string {
  if (n === 0) return "±0";
  return `${n > 0 ? "+" : "−"}${format(Math.abs(n))}`;
}

function table(header: string[], align: ("l" | "r")[], rows: string[][]): string {
  const sep = align.map((a) => (a === "r" ? "---:" : "---"));
  return [header, sep, ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}

const STATUS_WORD = { below: "below range", within: "within range", above: "above range" } as const;
const SIZE_WORD = { small: "small (<½×)", typical: "typical", large: "large (>2×)" } as const;

function mdPatterns(r: Review): string {
  const hasChange = r.change !== null;
  const header = [
    "Pattern",
    "Keys",
    "Expected",
    "Status",
    "Memory",
    "Share",
    "Avg size",
    "Typical",
    "Size",
    "No TTL",
    "Above std",
    "Possible PII",
  ];
  if (hasChange) header.push("Δ keys (week)", "Δ memory (week)");
  const rows = r.patterns.map((p) => {
    const row = [
      `${mdText(p.name)} ${mdCode(p.pattern)}`,
      formatCount(p.keys),
      `${formatCount(p.expected.min)}–${formatCount(p.expected.max)}`,
      p.keysStatus === "within" ? STATUS_WORD.within : `**${STATUS_WORD[p.keysStatus]}**`,
      formatBytes(p.bytes),
      formatPercent(p.shareOfBytes),
      formatBytes(p.avgBytes),
      formatBytes(p.typicalBytes),
      p.sizeFlag === null
        ? "—"
        : p.sizeFlag === "typical"
          ? SIZE_WORD.typical
          : `**${SIZE_WORD[p.sizeFlag]}**`,
      formatCount(p.noTtl),
      formatCount(p.aboveStandard),
      formatCount(p.possiblePii),
    ];
    if (hasChange)
      row.push(
        p.change ? signed(p.change.keys, formatCount) : "—",
        p.change ? signed(p.change.bytes, formatBytes) : "—",
      );
    return row;
  });
  return table(
    header,
    header.map((h, i) => (i === 0 || h === "Status" || h === "Size" || h === "Expected" ? "l" : "r")),
    rows,
  );
}

function mdHistograms(r: Review): string {
  const first = r.patterns[0];
  if (!first) return "_No patterns in the policy._";
  const header = [
    "TTL",
    ...r.patterns.map((p) => `${mdText(p.name)} (std ${formatDuration(p.standardTtlSeconds)})`),
  ];
  const rows: string[][] = [
    ["no TTL", ...r.patterns.map((p) => (p.noTtl > 0 ? `**${formatCount(p.noTtl)}** ⚠` : "0"))],
  ];
  first.ttlHistogram.forEach((bucket, i) => {
    rows.push([
      bucket.label,
      ...r.patterns.map((p) => {
        const b = p.ttlHistogram[i];
        if (!b) return "—";
        return b.overStandard && b.count > 0 ? `**${formatCount(b.count)}** ⚠` : formatCount(b.count);
      }),
    ]);
  });
  return `${table(
    header,
    header.map((_, i) => (i === 0 ? "l" : "r")),
    rows,
  )}\n\n⚠ = no TTL, or every TTL in the bucket is above the pattern's standard TTL.`;
}

function mdEffectiveness(r: Review): string {
  const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)} %`);
  const rows = r.patterns.map((p) => {
    const e = p.effectiveness;
    if (!e || e.mode === null)
      return [mdText(p.name), "—", "—", "—", mdText(e?.reason ?? "not read by this scan")];
    const hist = e.lastReadHistogram
      ? e.lastReadHistogram.map((b) => b.count).join(" · ")
      : "— (LFU: no time of last read)";
    return [mdText(p.name), formatCount(e.judged), pct(e.readShare), pct(e.neverReadShare), hist];
  });
  const recs = r.patterns.flatMap((p) => p.recommendations.map((x) => `- ${mdText(x.text)}.`));
  return [
    table(
      [
        "pattern",
        "keys judged",
        "read since written",
        "never read",
        "last read at 0-10 % … 90-100 % of TTL (keys)",
      ],
      ["l", "r", "r", "r", "l"],
      rows,
    ),
    recs.length > 0 ? `**TTL recommendations**\n\n${recs.join("\n")}` : "_No TTL recommendation._",
    `_${mdText(r.effectivenessNote)}_`,
  ].join("\n\n");
}

function mdOutside(title: string, group: Review["unknownPattern"]): string {
  if (group.total === 0) return `## ${title}\n\nNone.`;
  const parts = [`## ${title} (${plural(group.total, "key")})`];
  if (group.prefixes.length > 0) {
    parts.push(
      table(
        ["Prefix", "Keys", "Memory"],
        ["l", "r", "r"],
        group.prefixes.map((p) => [mdCode(p.prefix), formatCount(p.keys), formatBytes(p.bytes)]),
      ),
    );
  }
  if (group.sample.length > 0) {
    parts.push(
      `First ${group.sample.length} of ${formatCount(group.total)}:\n\n${table(
        ["Key", "Type", "TTL", "Memory"],
        ["l", "l", "r", "r"],
        group.sample.map((e) => [mdCode(e.key), mdText(e.type), formatDuration(e.ttl), formatBytes(e.bytes)]),
      )}`,
    );
  }
  return parts.join("\n\n");
}

function mdBiggest(title: string, entries: ScanBiggestEntry[]): string {
  if (entries.length === 0) return `### ${title}\n\nNone.`;
  return `### ${title}\n\n${table(
    ["#", "Key", "Pattern", "Type", "Memory", "Elements", "TTL"],
    ["r", "l", "l", "l", "r", "r", "r"],
    entries.map((e, i) => [
      String(i + 1),
      mdCode(e.key),
      e.pattern === null ? "—" : mdText(e.pattern),
      mdText(e.type),
      formatBytes(e.bytes),
      e.type === "string" ? "—" : formatCount(e.length),
      formatDuration(e.ttl),
    ]),
  )}`;
}

function mdChange(r: Review): string {
  if (!r.change) return `## Week-over-week change\n\nNo comparison: ${mdText(r.changeNote)}.`;
  const c = r.change;
  const rows = [
    ["Keys", signed(c.keys, formatCount)],
    ["Memory", signed(c.bytes, formatBytes)],
    ["No TTL", signed(c.classes.noTtl, formatCount)],
    ["Above standard", signed(c.classes.aboveStandard, formatCount)],
    ["Unknown pattern", signed(c.classes.unknownPattern, formatCount)],
    ["Foreign", signed(c.classes.foreign, formatCount)],
    ["Possible PII", signed(c.classes.possiblePii, formatCount)],
  ];
  const age = formatDuration(c.baseline.ageSeconds);
  const intro = `Compared with scan ${mdCode(c.baseline.scanId)} started ${formatTime(c.baseline.startedAt)} (${age} earlier).`;
  return `## Week-over-week change\n\n${intro}\n\n${table(["", "Change"], ["l", "r"], rows)}`;
}

function mdCapacity(r: Review): string {
  const c = r.capacity;
  const lines = [`## Capacity projection\n\n${mdText(c.note)}.`];
  const facts: string[] = [];
  facts.push(
    `- Used memory now: ${formatBytes(c.currentBytes)}${c.maxBytes ? ` of ${formatBytes(c.maxBytes)} maxmemory (${formatPercent((c.currentBytes ?? 0) / c.maxBytes)})` : " (no maxmemory set)"}`,
  );
  if (c.thresholdBytes) facts.push(`- 80 % line: ${formatBytes(c.thresholdBytes)}`);
  facts.push(
    c.history.points > 0
      ? `- History: ${plural(c.history.points, "sample")} from ${formatTime(c.history.from)} to ${formatTime(c.history.to)}`
      : "- History: none",
  );
  if (c.fit)
    facts.push(
      `- Trend: ${c.trend ?? "—"}, ${signed(Math.round(c.fit.slopeBytesPerDay), formatBytes)} per day (least-squares fit${c.fit.r2 === null ? "" : `, r² ${c.fit.r2.toFixed(2)}`})`,
    );
  for (const p of c.projections) {
    facts.push(
      `- In ${p.months} months (${formatTime(p.at)}): ${formatBytes(p.bytes)}${p.ratio === null ? "" : ` (${formatPercent(p.ratio)} of maxmemory)`}`,
    );
  }
  if (c.crosses80At) facts.push(`- Reaches 80 % of maxmemory: **${formatTime(c.crosses80At)}**`);
  if (c.alreadyAbove80) facts.push("- **Already at or above 80 % of maxmemory**");
  lines.push(facts.join("\n"));
  return lines.join("\n\n");
}

export function reviewToMarkdown(r: Review): string {
  const s = r.scan;
  const classes = s.classes;
  const header = [
    `# Weekly key-distribution review: ${mdText(r.instance.name)} (${r.instance.environment})`,
    [
      `Instance ${mdCode(r.instance.id)} · scan ${mdCode(s.id)} started ${formatTime(s.startedAt)}, match ${mdCode(s.match)}, ${s.mode} mode, ${scanDuration(s.durationMs)}`,
      `Generated ${formatTime(r.generatedAt)}`,
    ].join("  \n"),
    [
      `- Keys: ${formatCount(s.keys)}${r.change ? ` (${signed(r.change.keys, formatCount)} in a week)` : ""}; memory: ${formatBytes(s.bytes)}${r.change ? ` (${signed(r.change.bytes, formatBytes)})` : ""}`,
      `- Classes: ok ${formatCount(classes.ok)} · no TTL ${formatCount(classes.noTtl)} · above standard ${formatCount(classes.aboveStandard)} · unknown pattern ${formatCount(classes.unknownPattern)} · foreign ${formatCount(classes.foreign)} · possible PII ${formatCount(classes.possiblePii)}`,
      ...(s.vanished > 0 ? [`- ${plural(s.vanished, "key")} expired during the scan and were skipped`] : []),
    ].join("\n"),
  ];
  return `${[
    ...header,
    `## Patterns\n\n${mdPatterns(r)}`,
    `## TTL histograms\n\n${mdHistograms(r)}`,
    `## Cache effectiveness\n\n${mdEffectiveness(r)}`,
    mdOutside("Unknown patterns", r.unknownPattern),
    mdOutside("Foreign keys", r.foreign),
    `## Biggest keys\n\n${mdBiggest("By memory", r.biggest.byMemory)}\n\n${mdBiggest("By element count (collections)", r.biggest.byLength)}`,
    mdChange(r),
    mdCapacity(r),
  ].join("\n\n")}\n`;
}
