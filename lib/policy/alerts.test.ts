import { describe, expect, it } from "vitest";
import {
  alertLookbackMs,
  defaultAlertThresholds as th,
  evaluateAlerts,
  topologyAlerts,
  type AlertPoint,
  type AlertRule,
  utcText,
} from "./alerts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);

const base: Omit<AlertPoint, "t"> = {
  memoryRatio: 0.5,
  evictionsPerMinute: 0,
  clientsRatio: 0.1,
  latencyMs: 1,
  hitRate: 0.9,
  lookups: 1000,
};

/** Points every 10 s over `minutes`, ending at T0 + minutes, with `patch(i)` applied. */
function series(minutes: number, patch: (i: number, t: number) => Partial<AlertPoint>): AlertPoint[] {
  const n = (minutes * MIN) / 10_000;
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = T0 + i * 10_000;
    return { ...base, t, ...patch(i, t) };
  });
}

function find(
  points: AlertPoint[],
  rule: AlertRule,
  extra: { environment?: "development" | "staging" | "production" } = {},
) {
  const now = points.at(-1)?.t ?? T0;
  return evaluateAlerts({
    instanceId: "prod",
    environment: extra.environment ?? "development",
    points,
    now,
  }).find((a) => a.rule === rule);
}

interface Case {
  rule: AlertRule;
  field: keyof Omit<AlertPoint, "t" | "lookups">;
  threshold: number;
  forMs: number;
  /** +1: breaches above the threshold; -1: below. */
  direction: 1 | -1;
}

const cases: Case[] = [
  { rule: "memory", field: "memoryRatio", threshold: th.memoryRatio, forMs: th.memoryForMs, direction: 1 },
  {
    rule: "evictions",
    field: "evictionsPerMinute",
    threshold: th.evictionsPerMinute,
    forMs: th.evictionsForMs,
    direction: 1,
  },
  {
    rule: "clients",
    field: "clientsRatio",
    threshold: th.clientsRatio,
    forMs: th.clientsForMs,
    direction: 1,
  },
  { rule: "latency", field: "latencyMs", threshold: th.latencyMs, forMs: th.latencyForMs, direction: 1 },
];

describe.each(cases)("the $rule rule", ({ rule, field, threshold, forMs, direction }) => {
  const eps = threshold * 0.001;
  const minutes = forMs / MIN + 2;

  it("is inactive just under the threshold, however long", () => {
    expect(
      find(
        series(minutes, () => ({ [field]: threshold - direction * eps })),
        rule,
      ),
    ).toBeUndefined();
  });

  it("is inactive exactly at the threshold (the comparison is strict)", () => {
    expect(
      find(
        series(minutes, () => ({ [field]: threshold })),
        rule,
      ),
    ).toBeUndefined();
  });

  it("fires just over the threshold once it has held for its duration", () => {
    const alert = find(
      series(minutes, () => ({ [field]: threshold + direction * eps })),
      rule,
    );
    expect(alert).toMatchObject({ state: "firing", threshold, since: new Date(T0).toISOString() });
    expect(alert?.value).toBeCloseTo(threshold + direction * eps);
    expect(alert?.runbook.check.length).toBeGreaterThan(0);
    expect(alert?.runbook.do.length).toBeGreaterThan(0);
  });

  it("is pending one sample short of its duration and fires exactly at it", () => {
    const over = { [field]: threshold + direction * eps };
    const points = series(forMs / MIN, () => over);
    const last = points.at(-1)?.t ?? 0;
    const at = (now: number) =>
      evaluateAlerts({ instanceId: "x", environment: "development", points, now }).find(
        (a) => a.rule === rule,
      );
    expect(at(last - 1)?.state).toBe("pending");
    expect(at(last)?.state).toBe("firing");
  });

  it("restarts the duration when the condition flaps inside it", () => {
    const half = forMs / 2;
    // Over the threshold for the whole window except one sample in the middle.
    const points = series(forMs / MIN, (_, t) =>
      t === T0 + half ? { [field]: threshold - direction * eps } : { [field]: threshold + direction * eps },
    );
    const alert = find(points, rule);
    expect(alert?.state).toBe("pending");
    expect(alert?.since).toBe(new Date(T0 + half + 10_000).toISOString());
  });

  it("treats a gap (unknown value) as the end of the run", () => {
    const points = series(forMs / MIN + 1, (_, t) =>
      t === T0 + 60_000 ? { [field]: null } : { [field]: threshold + direction * eps },
    );
    expect(find(points, rule)?.since).toBe(new Date(T0 + 70_000).toISOString());
  });

  it("is inactive when the latest value is unknown", () => {
    const points = series(minutes, () => ({ [field]: threshold + direction * eps }));
    points.push({ ...base, t: (points.at(-1)?.t ?? 0) + 10_000, [field]: null });
    expect(find(points, rule)).toBeUndefined();
  });
});

describe("the hit-rate rule", () => {
  const below = (env: "development" | "staging" | "production", target: number) =>
    find(
      series(2, () => ({ hitRate: target - 0.001 })),
      "hit-rate",
      { environment: env },
    );

  it("uses 30 % in development and staging, 50 % in production", () => {
    expect(below("development", 0.3)).toMatchObject({ threshold: 0.3, state: "firing" });
    expect(below("staging", 0.3)).toMatchObject({ threshold: 0.3 });
    expect(below("production", 0.5)).toMatchObject({ threshold: 0.5 });
    expect(
      find(
        series(2, () => ({ hitRate: 0.4 })),
        "hit-rate",
        { environment: "production" },
      ),
    ).toBeDefined();
    expect(
      find(
        series(2, () => ({ hitRate: 0.4 })),
        "hit-rate",
        { environment: "staging" },
      ),
    ).toBeUndefined();
  });

  it("is inactive exactly at the target and just over it", () => {
    expect(
      find(
        series(2, () => ({ hitRate: 0.3 })),
        "hit-rate",
      ),
    ).toBeUndefined();
    expect(
      find(
        series(2, () => ({ hitRate: 0.301 })),
        "hit-rate",
      ),
    ).toBeUndefined();
  });

  it("says nothing without lookups or with too few of them", () => {
    expect(
      find(
        series(2, () => ({ hitRate: null, lookups: 0 })),
        "hit-rate",
      ),
    ).toBeUndefined();
    expect(
      find(
        series(2, () => ({ hitRate: 0, lookups: th.hitRateMinLookups - 1 })),
        "hit-rate",
      ),
    ).toBeUndefined();
    expect(
      find(
        series(2, () => ({ hitRate: 0, lookups: th.hitRateMinLookups })),
        "hit-rate",
      ),
    ).toBeDefined();
  });

  it("restarts when the hit rate recovers for one point", () => {
    const points = series(2, (i) => ({ hitRate: i === 6 ? 0.35 : 0.1 }));
    expect(find(points, "hit-rate")?.since).toBe(new Date(T0 + 70_000).toISOString());
  });
});

describe("the keys-without-TTL rule", () => {
  const points = series(1, () => ({}));
  const now = T0 + MIN;
  const evaluate = (latestScan?: { finishedAt: string; noTtl: number } | null) =>
    evaluateAlerts({ instanceId: "a b", environment: "production", points, now, latestScan }).find(
      (a) => a.rule === "keys-without-ttl",
    );

  it("is inactive until a scan result exists", () => {
    expect(evaluate(undefined)).toBeUndefined();
    expect(evaluate(null)).toBeUndefined();
  });

  it("is inactive when the latest scan found none", () => {
    expect(evaluate({ finishedAt: new Date(T0).toISOString(), noTtl: 0 })).toBeUndefined();
  });

  it("fires at once for a single key without TTL, since the scan finished", () => {
    const alert = evaluate({ finishedAt: new Date(T0).toISOString(), noTtl: 1 });
    expect(alert).toMatchObject({ state: "firing", severity: "critical", value: 1, threshold: 0 });
    expect(alert?.since).toBe(new Date(T0).toISOString());
    expect(alert?.runbook.check[0]?.href).toBe("/i/a%20b/ttl");
  });

  it("says the scan's time as the rest of the console does (HH:MM:SS UTC)", () => {
    expect(evaluate({ finishedAt: new Date(T0).toISOString(), noTtl: 1 })?.summary).toBe(
      "1 key without TTL in the scan of 10:00:00 UTC",
    );
  });
});

describe("alert times", () => {
  it("are a clock time on now's UTC day", () => {
    expect(utcText("2026-11-29T05:35:14.123Z", T0)).toBe("05:35:14 UTC");
  });

  it("carry the date when not on now's UTC day", () => {
    expect(utcText("2026-11-28T23:59:59.000Z", T0)).toBe("2026-11-28 23:59:59 UTC");
  });

  it("leave an unparseable time as it came", () => {
    expect(utcText("not a time", T0)).toBe("not a time");
  });

  it("name the time compliance became unknown the same way", () => {
    const alerts = evaluateAlerts({
      instanceId: "x",
      environment: "development",
      points: [],
      now: T0,
      ttlUnknown: { since: new Date(T0 - 5 * MIN).toISOString(), reason: "the last scan failed" },
    });
    expect(alerts[0]?.summary).toBe("TTL compliance unknown since 09:55:00 UTC: the last scan failed");
  });
});

describe("evaluateAlerts", () => {
  it("returns nothing for an empty series", () => {
    expect(evaluateAlerts({ instanceId: "x", environment: "development", points: [], now: T0 })).toEqual([]);
  });

  it("does not judge memory when there is no maxmemory (ratio unknown)", () => {
    expect(
      find(
        series(12, () => ({ memoryRatio: null })),
        "memory",
      ),
    ).toBeUndefined();
  });

  it("orders firing before pending, then critical before warning", () => {
    const points = series(11, (i) => ({ memoryRatio: 0.9, clientsRatio: i > 60 ? 0.95 : 0.1 }));
    const alerts = evaluateAlerts({
      instanceId: "x",
      environment: "development",
      points,
      now: points.at(-1)?.t ?? 0,
    });
    expect(alerts.map((a) => [a.rule, a.state])).toEqual([
      ["memory", "firing"],
      ["clients", "pending"],
    ]);
  });

  it("honours configured thresholds", () => {
    const points = series(1, () => ({ memoryRatio: 0.7 }));
    const alerts = evaluateAlerts({
      instanceId: "x",
      environment: "development",
      points,
      now: points.at(-1)?.t ?? 0,
      thresholds: { ...th, memoryRatio: 0.6, memoryForMs: 0 },
    });
    expect(alerts[0]).toMatchObject({ rule: "memory", state: "firing", threshold: 0.6 });
  });

  it("looks back further than the longest duration", () => {
    expect(alertLookbackMs()).toBeGreaterThan(th.evictionsForMs);
  });

  it("links every check of every runbook to a page of this instance", () => {
    const points = series(16, () => ({
      memoryRatio: 0.99,
      evictionsPerMinute: 100,
      clientsRatio: 0.99,
      latencyMs: 500,
      hitRate: 0,
    }));
    const alerts = evaluateAlerts({
      instanceId: "prod",
      environment: "production",
      points,
      now: points.at(-1)?.t ?? 0,
      latestScan: { finishedAt: new Date(T0).toISOString(), noTtl: 3 },
    });
    expect(alerts.map((a) => a.rule).sort()).toEqual(
      ["clients", "evictions", "hit-rate", "keys-without-ttl", "latency", "memory"].sort(),
    );
    for (const a of alerts) {
      expect(a.state).toBe("firing");
      for (const step of a.runbook.check)
        expect(step.href).toMatch(/^\/i\/prod(\/(keys|ttl|review|ops))?(\?range=\w+)?$/);
    }
  });
});

describe("per-node alerts", () => {
  it("a node's memory at 95 % for the rule's duration fires, names the node and keeps the rule's semantics", () => {
    const points = series(11, () => ({ memoryRatio: 0.95 }));
    const alerts = evaluateAlerts({
      instanceId: "cl",
      environment: "production",
      points,
      now: points.at(-1)?.t ?? T0,
      node: { address: "10.0.0.2:6379", role: "master" },
      rules: ["memory", "evictions", "clients", "latency"],
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: "memory", node: "10.0.0.2:6379", state: "firing" });
    expect(alerts[0]?.summary).toMatch(/^node 10\.0\.0\.2:6379 \(master\): memory at 95\.0 %/);
    expect(alerts[0]?.title).toContain("10.0.0.2:6379");
  });

  it("is pending while the node's run is shorter than the duration, and a gap (node unreachable) restarts it", () => {
    const points = series(11, (i) => (i === 30 ? { memoryRatio: null } : { memoryRatio: 0.95 }));
    const [alert] = evaluateAlerts({
      instanceId: "cl",
      environment: "production",
      points,
      now: points.at(-1)?.t ?? T0,
      node: { address: "10.0.0.2:6379", role: "replica" },
      rules: ["memory"],
    });
    expect(alert).toMatchObject({
      rule: "memory",
      state: "pending",
      since: new Date(T0 + 31 * 10_000).toISOString(),
    });
  });

  it("judges only the rules asked for", () => {
    const points = series(20, () => ({ memoryRatio: 0.95, hitRate: 0.01 }));
    const now = points.at(-1)?.t ?? T0;
    const rules = evaluateAlerts({
      instanceId: "cl",
      environment: "production",
      points,
      now,
      rules: ["hit-rate"],
    }).map((a) => a.rule);
    expect(rules).toEqual(["hit-rate"]);
  });
});

describe("deployment alerts", () => {
  it("cluster_state other than ok on a master is critical and firing at once, with a runbook", () => {
    const alerts = topologyAlerts(
      "cl",
      [
        { t: T0, clusterNotOk: [], sentinelProblem: null },
        { t: T0 + 10_000, clusterNotOk: [{ node: "10.0.0.1:6379", state: "fail" }], sentinelProblem: null },
      ],
      T0 + 10_000,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: "cluster-state", severity: "critical", state: "firing" });
    expect(alerts[0]?.since).toBe(new Date(T0 + 10_000).toISOString());
    expect(alerts[0]?.summary).toContain("cluster_state fail on 10.0.0.1:6379");
    expect(alerts[0]?.runbook.check[0]?.href).toBe("/i/cl");
  });

  it("a sentinel master that does not answer is critical until the sentinels name one that does", () => {
    const problem = "the sentinels name 10.0.0.1:6379, which does not answer as a master";
    const firing = topologyAlerts(
      "s",
      [
        { t: T0, clusterNotOk: null, sentinelProblem: problem },
        { t: T0 + 10_000, clusterNotOk: null, sentinelProblem: problem },
      ],
      T0 + 10_000,
    );
    expect(firing[0]).toMatchObject({
      rule: "sentinel-master",
      severity: "critical",
      since: new Date(T0).toISOString(),
    });
    expect(firing[0]?.summary).toContain(problem);
    const cleared = topologyAlerts(
      "s",
      [
        { t: T0, clusterNotOk: null, sentinelProblem: problem },
        { t: T0 + 10_000, clusterNotOk: null, sentinelProblem: null },
      ],
      T0 + 10_000,
    );
    expect(cleared).toEqual([]);
  });

  it("a cluster that no master answered says nothing about its state (the node table names the nodes)", () => {
    expect(topologyAlerts("cl", [{ t: T0, clusterNotOk: null, sentinelProblem: null }], T0)).toEqual([]);
  });
});
