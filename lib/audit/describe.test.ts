import { describe, expect, it } from "vitest";
import type { AuditEntry } from "@/lib/schemas/audit";
import { commonPattern, describeAuditEntry, describeDetail, type PatternRef } from "./describe";

const patterns: PatternRef[] = [
  { name: "ident", keyPrefix: "isl:ident:" },
  { name: "result", keyPrefix: "isl:result:" },
];

function entry(over: Partial<AuditEntry>): AuditEntry {
  return {
    id: 2,
    at: "2026-11-29T10:00:00.000Z",
    kind: "outcome",
    intentId: 1,
    actor: "alice",
    role: "operator",
    authMethod: "header",
    source: "127.0.0.1",
    instance: "staging",
    action: "expire",
    params: {},
    targetCount: null,
    sample: [],
    reason: null,
    outcome: "ok",
    affected: 0,
    durationMs: 3,
    detail: null,
    hash: "h",
    prevHash: "p",
    ...over,
  };
}

const identKeys = (n: number) => Array.from({ length: n }, (_, i) => `isl:ident:${i}`);

describe("describeAuditEntry", () => {
  it("an expire of keys of one pattern names the TTL, the count and the pattern", () => {
    const d = describeAuditEntry(
      entry({ params: { ttlSeconds: 21600 }, targetCount: 3, sample: identKeys(3), affected: 3 }),
      patterns,
    );
    expect(d.sentence).toBe("alice (operator) set TTL 6 h on 3 keys of pattern ident");
    expect(d.keys).toEqual(identKeys(3));
    expect(d.moreKeys).toBe(0);
  });

  it("beyond the stored sample the pattern is said of the keys listed, and the rest is counted", () => {
    const d = describeAuditEntry(
      entry({ params: { ttlSeconds: 21600 }, targetCount: 36, sample: identKeys(20), affected: 36 }),
      patterns,
    );
    expect(d.sentence).toBe("alice (operator) set TTL 6 h on 36 keys (the first 20 of pattern ident)");
    expect(d.keys).toHaveLength(20);
    expect(d.moreKeys).toBe(16);
  });

  it("keys of several patterns name none", () => {
    const d = describeAuditEntry(
      entry({ action: "delete", targetCount: 2, sample: ["isl:ident:a", "isl:result:b"], affected: 2 }),
      patterns,
    );
    expect(d.sentence).toBe("alice (operator) deleted 2 keys");
  });

  it("an intent says what was asked, a refusal what was tried", () => {
    const base = { action: "delete", targetCount: 1, sample: ["other:x"] };
    expect(
      describeAuditEntry(entry({ ...base, kind: "intent", outcome: null, affected: null })).sentence,
    ).toBe("alice (operator) asked to delete 1 key");
    expect(describeAuditEntry(entry({ ...base, role: "viewer", outcome: "denied" })).sentence).toBe(
      "alice (viewer) tried to delete 1 key",
    );
  });

  it("a list-based fix names the list, the scan it came from and links to the TTL page", () => {
    const d = describeAuditEntry(
      entry({
        action: "fix-ttl",
        instance: "prod eu",
        params: { list: "noTtl", match: "isl:*", scanId: "5b0e2c1a-0000-4000-8000-000000000000" },
        affected: 36,
      }),
    );
    expect(d.sentence).toBe(
      "alice (operator) fixed the TTL of 36 keys from the no-TTL list of scan 5b0e… (match isl:*)",
    );
    expect(d.scan).toEqual({ id: "5b0e2c1a-0000-4000-8000-000000000000", href: "/i/prod%20eu/ttl" });
    expect(d.keys).toEqual([]);
    expect(d.moreKeys).toBe(0);
  });

  it("a list-based fix's intent has no count yet", () => {
    const d = describeAuditEntry(
      entry({
        kind: "intent",
        action: "fix-ttl",
        params: { list: "aboveStandard", match: "isl:*", scanId: "5b0e2c1a-0000" },
        outcome: null,
        affected: null,
      }),
    );
    expect(d.sentence).toBe(
      "alice (operator) asked to fix the TTL of the keys from the above-standard list of scan 5b0e… (match isl:*)",
    );
  });

  it("a fix of named keys, a match fix and dry runs", () => {
    expect(
      describeAuditEntry(
        entry({ action: "fix-ttl", targetCount: 2, sample: identKeys(2), affected: 2 }),
        patterns,
      ).sentence,
    ).toBe("alice (operator) fixed the TTL of 2 keys of pattern ident");
    expect(
      describeAuditEntry(entry({ action: "fix-ttl", params: { match: "isl:result:*" }, affected: 1 }))
        .sentence,
    ).toBe("alice (operator) fixed the TTL of 1 key matching isl:result:*");
    expect(
      describeAuditEntry(entry({ action: "fix-ttl", params: { match: "isl:*", dryRun: true } })).sentence,
    ).toBe("alice (operator) previewed a TTL fix of the keys matching isl:*");
    expect(
      describeAuditEntry(
        entry({ action: "delete-pattern", role: "admin", params: { match: "isl:tmp:*", dryRun: true } }),
      ).sentence,
    ).toBe("alice (admin) previewed deleting the keys matching isl:tmp:*");
  });

  it("delete-pattern, flushdb, config and slow log actions", () => {
    const admin = { actor: "carol", role: "admin" };
    expect(
      describeAuditEntry(
        entry({ ...admin, action: "delete-pattern", params: { match: "isl:tmp:*" }, affected: 1204 }),
      ).sentence,
    ).toBe("carol (admin) deleted 1,204 keys matching isl:tmp:*");
    expect(
      describeAuditEntry(
        entry({ ...admin, action: "flushdb", params: { confirm: "staging" }, affected: 1284 }),
      ).sentence,
    ).toBe("carol (admin) flushed the database (1,284 keys)");
    expect(
      describeAuditEntry(entry({ ...admin, action: "flushdb", outcome: "rejected", affected: 0 })).sentence,
    ).toBe("carol (admin) tried to flush the database");
    expect(
      describeAuditEntry(
        entry({ ...admin, action: "flushdb", params: { confirm: "c", nodes: 3 }, affected: 1204 }),
      ).sentence,
    ).toBe("carol (admin) flushed the database (3 masters, 1,204 keys)");
    expect(
      describeAuditEntry(
        entry({ ...admin, action: "flushdb", params: { nodes: 3 }, outcome: "error", affected: 800 }),
      ).sentence,
    ).toBe("carol (admin) tried to flush the database on 3 masters");
    expect(
      describeAuditEntry(
        entry({ ...admin, action: "flushdb", params: { dryRun: true, nodes: 3 }, affected: 0 }),
      ).sentence,
    ).toBe("carol (admin) previewed flushing the database on 3 masters");
    expect(describeAuditEntry(entry({ ...admin, action: "config-set", affected: 1 })).sentence).toBe(
      "carol (admin) applied the recommended config",
    );
    expect(
      describeAuditEntry(entry({ ...admin, action: "slowlog-reveal", params: { count: 128 }, affected: 12 }))
        .sentence,
    ).toBe("carol (admin) revealed the slow log's arguments (12 entries)");
    expect(describeAuditEntry(entry({ ...admin, action: "slowlog-reset", affected: 1 })).sentence).toBe(
      "carol (admin) reset the slow log",
    );
  });

  it("scans and jobs started and cancelled", () => {
    expect(
      describeAuditEntry(entry({ action: "scan-start", params: { match: "isl:*", mode: "fast" } })).sentence,
    ).toBe("alice (operator) started a fast scan of isl:*");
    expect(
      describeAuditEntry(
        entry({
          action: "scan-cancel",
          params: { scanId: "9f8e7d6c-aaaa", trigger: "manual", startedBy: "bob" },
          affected: 1,
        }),
      ).sentence,
    ).toBe("alice (operator) cancelled scan 9f8e… started by bob");
    expect(
      describeAuditEntry(
        entry({ action: "scan-cancel", params: { scanId: "9f8e7d6c-aaaa", trigger: "scheduled" } }),
      ).sentence,
    ).toBe("alice (operator) cancelled scheduled scan 9f8e…");
    expect(
      describeAuditEntry(
        entry({
          action: "job-cancel",
          outcome: "denied",
          params: { jobId: "41", job: "delete-pattern", match: "isl:tmp:*", startedBy: "carol" },
        }),
      ).sentence,
    ).toBe("alice (operator) tried to cancel the pattern delete job 41 (match isl:tmp:*) started by carol");
  });

  it("invalid and unknown actions still read", () => {
    expect(
      describeAuditEntry(entry({ action: "invalid", params: { requested: "drop" }, outcome: "rejected" }))
        .sentence,
    ).toBe('alice (operator) tried to send an invalid action request (action "drop")');
    expect(describeAuditEntry(entry({ action: "rename" })).sentence).toBe("alice (operator) ran rename");
  });
});

describe("describeDetail", () => {
  it("keys outside every pattern are said to have no standard TTL, apart from keys that needed no fix", () => {
    const e = entry({
      action: "fix-ttl",
      targetCount: 36,
      affected: 22,
      detail: "7 keys outside every pattern skipped",
    });
    expect(describeDetail(e)).toBe(
      "7 keys outside every pattern left alone (no standard TTL to give them); 7 keys under a pattern needed no fix",
    );
  });

  it("a job's detail, which already counts both, is kept", () => {
    const detail =
      "7 keys outside every pattern left alone (no standard TTL to give them); 29 keys under a pattern needed no fix";
    expect(describeDetail(entry({ action: "fix-ttl", params: { list: "noTtl" }, detail }))).toBe(detail);
  });

  it("other details pass through", () => {
    expect(describeDetail(entry({ action: "delete", detail: "2 keys did not exist" }))).toBe(
      "2 keys did not exist",
    );
    expect(describeDetail(entry({ detail: null }))).toBeNull();
  });
});

describe("commonPattern", () => {
  it("is the pattern every key shares, or none", () => {
    expect(commonPattern(["isl:ident:a", "isl:ident:b"], patterns)).toBe("ident");
    expect(commonPattern(["isl:ident:a", "other"], patterns)).toBeUndefined();
  });
});
