import { describe, expect, it } from "vitest";
import { reviewSchema } from "@/lib/schemas/review";
import { biggest, entry, histogram, pattern, result, scan } from "@/tests/helpers/review-fixture";
import { buildReview } from "./build";
import { csvCell } from "@/lib/audit/csv";
import {
  mdCode,
  mdText,
  renderReview,
  reviewFileName,
  reviewToCsv,
  reviewToJson,
  reviewToMarkdown,
} from "./export";

const NOW = Date.parse("2026-11-29T12:00:00Z");
const instance = { id: "demo", name: "Demo <b>", environment: "staging" as const };

const hostile = 'isl:x:=cmd|`a`,"q"\\xff';

function makeReview(withBaseline: boolean) {
  const current = result({
    patterns: [
      pattern("beliefs", { keys: 40, bytes: 20_000, noTtl: 2, ttlHistogram: histogram({ 86400: 38 }) }),
      pattern("ident", { keys: 25, bytes: 75_000 }),
      pattern("result", {
        keys: 250,
        bytes: 750_000,
        aboveStandard: 5,
        ttlHistogram: histogram({ 7200: 245, 14400: 5 }),
      }),
      pattern("sensitivity"),
    ],
    classes: { ok: 306, noTtl: 2, aboveStandard: 5, unknownPattern: 1, foreign: 1, possiblePii: 0 },
    lists: {
      noTtl: [],
      aboveStandard: [],
      unknownPattern: [entry(hostile)],
      foreign: [entry("sess:1", { ttl: -1 })],
      possiblePii: [],
      unknown: [],
    },
    listTotals: { noTtl: 2, aboveStandard: 5, unknownPattern: 1, foreign: 1, possiblePii: 0, unknown: 0 },
    prefixes: {
      unknownPattern: [{ prefix: "isl:x:", keys: 1, bytes: 64 }],
      foreign: [{ prefix: "sess:", keys: 1, bytes: 64 }],
    },
    biggest: {
      byMemory: [
        biggest("isl:result:aaaa", { bytes: 90_000, pattern: "result" }),
        biggest(hostile, { bytes: 100 }),
      ],
      byLength: [biggest("isl:ident:list", { type: "list", length: 5000, pattern: "ident" })],
    },
  });
  const points = Array.from({ length: 72 }, (_, h) => ({
    t: NOW - (71 - h) * 3600_000,
    usedBytes: 1e9 + h * 1e6,
  }));
  return buildReview({
    instance,
    scan: scan("scan-2", "2026-11-29T10:00:00.000Z", current),
    baseline: withBaseline
      ? scan(
          "scan-1",
          "2026-11-22T10:00:00.000Z",
          result({ patterns: [pattern("beliefs", { keys: 30, bytes: 15_000 })] }),
        )
      : null,
    memory: { points, maxBytes: 4e9 },
    now: NOW,
  });
}

/** A small RFC 4180 reader, enough to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

describe("csvCell", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell(" padded")).toBe('" padded"');
  });
  it("neutralises spreadsheet formulas in text but writes numbers as they are", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@x")).toBe("'@x");
    expect(csvCell(-5)).toBe("-5");
  });
  it("writes null and non-finite numbers as empty cells, booleans as words", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(true)).toBe("true");
  });
});

describe("reviewToCsv", () => {
  const review = makeReview(true);
  const rows = parseCsv(reviewToCsv(review));
  const section = (name: string) => rows.filter((r) => r[0] === name);

  it("has one pattern row per pattern with counts, status, sizes and weekly change", () => {
    const header = rows.find((r) => r[0] === "section" && r[1] === "pattern") ?? [];
    const beliefs = section("patterns").find((r) => r[1] === "beliefs") ?? [];
    const get = (row: string[], col: string) => row[header.indexOf(col)];
    expect(section("patterns")).toHaveLength(4);
    expect(get(beliefs, "keys")).toBe("40");
    expect(get(beliefs, "keys_status")).toBe("below");
    expect(get(beliefs, "avg_bytes")).toBe("500");
    expect(get(beliefs, "size_flag")).toBe("typical");
    expect(get(beliefs, "change_keys")).toBe("10");
    expect(get(beliefs, "change_bytes")).toBe("5000");
    const result = section("patterns").find((r) => r[1] === "result") ?? [];
    expect(get(result, "keys_status")).toBe("above");
    expect(get(result, "size_flag")).toBe("small");
  });

  it("has a no-TTL row and every histogram bucket per pattern", () => {
    const result = section("ttl_histogram").filter((r) => r[1] === "result");
    expect(result).toHaveLength(1 + 13);
    expect(result[0]?.slice(2)).toEqual(["-1", "no TTL", "0", "true"]);
    expect(result.find((r) => r[2] === "14400")?.slice(3)).toEqual(["2 h – 4 h", "5", "true"]);
  });

  it("keeps hostile key names intact (after the formula guard) and their exact bytes", () => {
    const row = section("biggest").find((r) => r[4] === Buffer.from(hostile, "latin1").toString("base64"));
    expect(row?.[3]).toBe(hostile);
    expect(section("unknown_pattern_prefix")).toEqual([["unknown_pattern_prefix", "isl:x:", "1", "64"]]);
  });

  it("summarises scan, change and capacity as field/value rows", () => {
    const summary = new Map(section("summary").map((r) => [r[1], r[2]]));
    expect(summary.get("instance")).toBe("demo");
    expect(summary.get("keys")).toBe("315");
    expect(summary.get("class_noTtl")).toBe("2");
    expect(summary.get("baseline_scan_id")).toBe("scan-1");
    expect(summary.get("capacity_status")).toBe("ok");
    expect(summary.get("capacity_3m_at")).toBe("2027-03-01T12:00:00.000Z");
    expect(summary.get("capacity_crosses_80_at")).toMatch(/^20\d\d-/);
  });

  it("every row of a block has as many cells as its header", () => {
    let width = 0;
    for (const row of rows) {
      if (row.length === 1 && row[0] === "") {
        width = 0;
        continue;
      }
      if (width === 0) width = row.length;
      else expect(row.length).toBe(width);
    }
  });
});

describe("reviewToMarkdown", () => {
  const md = reviewToMarkdown(makeReview(true));

  it("has the per-pattern table with counts, status words and weekly change", () => {
    expect(md).toMatch(/^# Weekly key-distribution review: Demo &lt;b&gt; \(staging\)$/m);
    expect(md).toContain("| Pattern | Keys | Expected | Status |");
    expect(md).toMatch(
      /^\| beliefs `isl:beliefs:\{user_id\}` \| 40 \| 50–100 \| \*\*below range\*\* \| 19\.5 KiB \|.* \| \+10 \| \+4\.88 KiB \|$/m,
    );
    expect(md).toMatch(
      /^\| ident `isl:ident:\{dag_hash\}` \| 25 \| 20–30 \| within range \| .* \| \*\*large \(>2×\)\*\* \|/m,
    );
    expect(md).toMatch(
      /^\| result `isl:result:\{request_hash\}` \| 250 \| 100–200 \| \*\*above range\*\* \|/m,
    );
  });

  it("has the TTL histograms with over-standard buckets marked", () => {
    expect(md).toContain(
      "| TTL | beliefs (std 1 d) | ident (std 6 h) | result (std 2 h) | sensitivity (std 4 h) |",
    );
    expect(md).toMatch(/^\| no TTL \| \*\*2\*\* ⚠ \| 0 \| 0 \| 0 \|$/m);
    expect(md).toMatch(/^\| 1 h – 2 h \| 0 \| 0 \| 245 \| 0 \|$/m);
    expect(md).toMatch(/^\| 2 h – 4 h \| 0 \| 0 \| \*\*5\*\* ⚠ \| 0 \|$/m);
  });

  it("escapes key names so they can neither break the table nor become HTML", () => {
    const line = md.split("\n").find((l) => l.includes("isl:x:=cmd")) ?? "";
    expect(line).toContain('``isl:x:=cmd\\|`a`,"q"\\xff``');
    // The only unescaped pipes are the table's own.
    expect(line.replace(/\\\|/g, "").split("|")).toHaveLength(6);
  });

  it("lists unknown patterns, foreign keys, biggest keys, change and capacity", () => {
    expect(md).toContain("## Unknown patterns (1 key)");
    expect(md).toContain("## Foreign keys (1 key)");
    expect(md).toMatch(/^\| `sess:1` \| string \| no TTL \| 64 B \|$/m);
    expect(md).toMatch(/^\| 1 \| `isl:result:aaaa` \| result \| string \| 87\.9 KiB \| — \| 1 min 40 s \|$/m);
    expect(md).toContain("Compared with scan `scan-1` started 2026-11-22 10:00:00 UTC (7 d earlier).");
    expect(md).toMatch(/^\| Keys \| \+285 \|$/m);
    expect(md).toMatch(/^- In 3 months \(2027-03-01 12:00:00 UTC\): /m);
    expect(md).toMatch(/^- Reaches 80 % of maxmemory: \*\*20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC\*\*$/m);
  });

  it("without a baseline says why and drops the change columns", () => {
    const alone = reviewToMarkdown(makeReview(false));
    expect(alone).not.toContain("Δ keys");
    expect(alone).toContain("No comparison: no earlier scan stored");
  });
});

describe("mdText and mdCode", () => {
  it("escape Markdown punctuation and HTML", () => {
    expect(mdText("a|b*c_<script>&")).toBe("a\\|b\\*c\\_&lt;script&gt;&amp;");
    expect(mdCode("plain")).toBe("`plain`");
    expect(mdCode("``x")).toBe("``` ``x ```");
    expect(mdCode("a|b")).toBe("`a\\|b`");
  });
});

describe("renderReview and reviewFileName", () => {
  const review = makeReview(true);
  it("JSON round-trips through the schema", () => {
    expect(reviewSchema.parse(JSON.parse(reviewToJson(review)))).toEqual(review);
    expect(renderReview(review, "json")).toBe(reviewToJson(review));
    expect(renderReview(review, "md")).toBe(reviewToMarkdown(review));
  });
  it("names files by instance and scan day", () => {
    expect(reviewFileName(review, "md")).toBe("isl-review-demo-2026-11-29.md");
    expect(reviewFileName({ ...review, instance: { ...review.instance, id: "a/b c" } }, "csv")).toBe(
      "isl-review-a_b_c-2026-11-29.csv",
    );
  });
});
