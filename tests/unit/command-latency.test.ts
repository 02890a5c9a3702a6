// Per-command latency: the parsers of LATENCY HISTOGRAM, INFO latencystats and INFO commandstats
// (an older server's INFO), the windowed percentiles from two cumulative histograms, and the
// command-latency alert.
import { describe, expect, it } from "vitest";
import {
  bucketQuantile,
  commandMinutes,
  commandWindow,
  histogramDelta,
  isConsoleCommand,
  latestCommands,
} from "@/lib/metrics/latency";
import type { CommandReading } from "@/lib/redis/sample";
import { commandLatencyAlerts, defaultAlertThresholds } from "@/lib/policy/alerts";
import { parseCommandstats, parseInfo, parseLatencyHistogram, parseLatencystats } from "@/lib/redis/info";
import type { StoredCommandLatency } from "@/lib/store/command-latency";

/** INFO commandstats of a Redis 6.2 server (no latencystats section, no LATENCY HISTOGRAM). */
const REDIS_6_INFO = `# Server\r
redis_version:6.2.14\r
# Commandstats\r
cmdstat_get:calls=1000,usec=5000,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r
cmdstat_setex:calls=200,usec=3000,usec_per_call=15.00,rejected_calls=0,failed_calls=0\r
cmdstat_evalsha:calls=10,usec=1500000,usec_per_call=150000.00,rejected_calls=0,failed_calls=0\r
cmdstat_info:calls=50,usec=2500,usec_per_call=50.00,rejected_calls=0,failed_calls=0\r
cmdstat_config|get:calls=2,usec=20,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r
`;

const LATER_6_INFO = REDIS_6_INFO.replace("calls=1000,usec=5000", "calls=1100,usec=5600").replace(
  "calls=10,usec=1500000",
  "calls=14,usec=2300000",
);

describe("parsers", () => {
  it("reads LATENCY HISTOGRAM's RESP2 reply into cumulative buckets per command", () => {
    const reply = [
      "get",
      ["calls", 4, "histogram_usec", [8, 3, 16, 4]],
      "config|get",
      ["calls", 1, "histogram_usec", [132, 1]],
    ];
    const h = parseLatencyHistogram(reply);
    expect(h.get("get")).toEqual({
      calls: 4,
      buckets: [
        [8, 3],
        [16, 4],
      ],
    });
    expect(h.get("config|get")?.calls).toBe(1);
    expect(parseLatencyHistogram("nonsense").size).toBe(0);
  });

  it("reads INFO latencystats percentiles (µs) per command", () => {
    const s = parseInfo(
      "# Latencystats\r\nlatency_percentiles_usec_get:p50=7.007,p99=9.023,p99.9=9.023\r\nlatency_percentiles_usec_eval:p50=39321.599,p95=40000,p99=39321.599\r\n",
    );
    const p = parseLatencystats(s);
    expect(p.get("get")).toEqual({ "50": 7.007, "99": 9.023, "99.9": 9.023 });
    expect(p.get("eval")?.["95"]).toBe(40000);
  });

  it("reads INFO commandstats of an older server", () => {
    const stats = parseCommandstats(parseInfo(REDIS_6_INFO));
    expect(stats.get("get")).toEqual({ calls: 1000, usec: 5000 });
    expect(stats.get("evalsha")).toEqual({ calls: 10, usec: 1_500_000 });
    expect(stats.get("config|get")).toEqual({ calls: 2, usec: 20 });
  });
});

describe("commandstats fallback (servers before 7.0)", () => {
  const reading = (text: string): CommandReading => ({
    source: "commandstats",
    stats: parseCommandstats(parseInfo(text)),
  });

  it("gives each command's average per call over the interval, labelled commandstats", () => {
    const points = commandWindow(reading(REDIS_6_INFO), reading(LATER_6_INFO), 10_000);
    const evalsha = points.find((p) => p.command === "evalsha");
    expect(evalsha).toMatchObject({
      source: "commandstats",
      calls: 4,
      avgUs: 200_000,
      p99Us: null,
      windowMs: 10_000,
    });
    expect(points.find((p) => p.command === "get")).toMatchObject({ calls: 100, avgUs: 6 });
    // No calls in the interval, and the console's own commands, are left out.
    expect(points.map((p) => p.command).sort()).toEqual(["evalsha", "get"]);
  });

  it("needs a previous reading, and skips counters that went back (CONFIG RESETSTAT)", () => {
    expect(commandWindow(null, reading(LATER_6_INFO), null)).toEqual([]);
    expect(commandWindow(reading(LATER_6_INFO), reading(REDIS_6_INFO), 10_000)).toEqual([]);
  });
});

describe("windowed percentiles from LATENCY HISTOGRAM", () => {
  it("subtracts two cumulative histograms bucket by bucket (buckets left out count as the one below)", () => {
    const prev = {
      calls: 10,
      buckets: [
        [8, 9],
        [16, 10],
      ] as [number, number][],
    };
    const cur = {
      calls: 15,
      buckets: [
        [8, 12],
        [16, 13],
        [270532, 15],
      ] as [number, number][],
    };
    expect(histogramDelta(prev, cur)).toEqual({
      calls: 5,
      buckets: [
        [8, 3],
        [16, 0],
        [270532, 2],
      ],
    });
    expect(histogramDelta(cur, prev)).toBeNull();
  });

  it("interpolates within the power-of-two bucket (lower bound half the upper)", () => {
    // 100 calls: 98 at or under 8 µs, 2 in (135 ms, 270 ms].
    const buckets: [number, number][] = [
      [8, 98],
      [270532, 100],
    ];
    expect(bucketQuantile(buckets, 0.5)).toBeCloseTo(4 + 4 * (50 / 98), 5);
    const p99 = bucketQuantile(buckets, 0.99) ?? 0;
    expect(p99).toBeGreaterThan(135_266);
    expect(p99).toBeLessThanOrEqual(270_532);
    expect(bucketQuantile([], 0.5)).toBeNull();
  });

  it("judges only the interval: a slow past does not make a quiet interval slow", () => {
    const prev: CommandReading = {
      source: "histogram",
      histograms: new Map([["eval", { calls: 50, buckets: [[270532, 50]] }]]),
    };
    const cur: CommandReading = {
      source: "histogram",
      histograms: new Map([
        [
          "eval",
          {
            calls: 60,
            buckets: [
              [16, 10],
              [270532, 60],
            ],
          },
        ],
        ["info", { calls: 3, buckets: [[66, 3]] }],
      ]),
    };
    const [evalPoint, ...rest] = commandWindow(prev, cur, 10_000);
    expect(rest).toEqual([]);
    expect(evalPoint).toMatchObject({ command: "eval", source: "histogram", calls: 10 });
    expect(evalPoint?.p99Us).toBeLessThanOrEqual(16);
  });

  it("leaves out the console's own commands, subcommands included", () => {
    for (const c of [
      "info",
      "ping",
      "latency|histogram",
      "config|get",
      "evalsha_ro",
      "scan",
      "client|setname",
    ])
      expect(isConsoleCommand(c)).toBe(true);
    for (const c of ["get", "set", "setex", "eval", "evalsha", "del"])
      expect(isConsoleCommand(c)).toBe(false);
  });
});

describe("API shaping", () => {
  const row = (t: number, node: string, command: string, p99Us: number, calls = 5): StoredCommandLatency => ({
    instanceId: "x",
    t,
    node,
    command,
    source: "histogram",
    calls,
    p50Us: p99Us / 2,
    p95Us: p99Us,
    p99Us,
    avgUs: null,
    windowMs: 10_000,
  });

  it("takes each command's newest figures, over nodes the worst one, named", () => {
    const rows = [
      row(1000, "a:1", "eval", 200_000),
      row(2000, "a:1", "eval", 50_000),
      row(2000, "b:1", "eval", 120_000),
    ];
    const [evalRow] = latestCommands(rows, 2);
    expect(evalRow).toMatchObject({ command: "EVAL", p99: 120, node: "b:1", windowSeconds: 10 });
    expect(latestCommands(rows, 1)[0]?.node).toBeUndefined();
  });

  it("gives per-minute history with gaps for minutes without calls", () => {
    const rows = [row(60_000 + 5000, "a:1", "get", 8), row(60_000 + 15_000, "a:1", "get", 16)];
    const [get] = commandMinutes(rows, 0, 180_000);
    expect(get?.minutes.map((m) => m.p99Ms)).toEqual([null, 0.016, null]);
    expect(get?.minutes[1]?.calls).toBe(10);
  });
});

describe("command-latency alert", () => {
  const th = { ...defaultAlertThresholds, latencyForMs: 20_000 };
  const series = (values: (number | null)[]) => ({
    command: "eval",
    source: "histogram" as const,
    windowMs: 10_000,
    points: values.map((valueMs, i) => ({ t: i * 10_000, valueMs })),
  });

  it("fires once EVAL's p99 held above 100 ms for the duration, naming the command and figure", () => {
    const [a] = commandLatencyAlerts("prod", [series([50, 142, 150, 142])], 30_000, th);
    expect(a).toMatchObject({
      rule: "command-latency",
      command: "eval",
      state: "firing",
      value: 142,
      threshold: 100,
    });
    expect(a?.summary).toMatch(/^EVAL p99 142 ms over 100 ms/);
    expect(a?.runbook.do.length).toBeGreaterThan(0);
  });

  it("is pending before the duration, and a gap or a value at the threshold ends the run", () => {
    expect(commandLatencyAlerts("prod", [series([50, 50, 150, 150])], 30_000, th)[0]?.state).toBe("pending");
    expect(commandLatencyAlerts("prod", [series([150, null, 150])], 20_000, th)[0]?.state).toBe("pending");
    expect(commandLatencyAlerts("prod", [series([150, 150, 100])], 20_000, th)).toEqual([]);
  });

  it("says an average where only commandstats exist", () => {
    const [a] = commandLatencyAlerts(
      "prod",
      [{ ...series([200, 200, 200]), source: "commandstats" }],
      20_000,
      th,
    );
    expect(a?.summary).toMatch(/EVAL average 200 ms over 100 ms \(server-side, INFO commandstats/);
  });
});
