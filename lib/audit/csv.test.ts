import { describe, expect, it } from "vitest";
import { auditCsv, csvCell } from "./csv";

describe("audit CSV", () => {
  it("quotes commas, quotes and newlines, and defuses formulas", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("=cmd()")).toBe("'=cmd()");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(null)).toBe("");
    expect(csvCell({ b: 1, a: "x" })).toBe('"{""a"":""x"",""b"":1}"');
  });
  it("writes a header and one row per entry", () => {
    const csv = auditCsv([
      {
        id: 1,
        at: "2026-11-29T10:00:00.000Z",
        kind: "intent",
        intentId: null,
        actor: "alice",
        role: "operator",
        authMethod: "session",
        source: "127.0.0.1",
        instance: "demo",
        action: "expire",
        params: { ttlSeconds: 60 },
        targetCount: 1,
        sample: ["isl:x"],
        reason: null,
        outcome: null,
        affected: null,
        durationMs: null,
        detail: null,
        hash: "h",
        prevHash: "p",
      },
    ]);
    const [header, row] = csv.split("\r\n");
    expect(header?.startsWith("id,at,kind,intentId,actor")).toBe(true);
    expect(row).toBe(
      '1,2026-11-29T10:00:00.000Z,intent,,alice,operator,session,127.0.0.1,demo,expire,"{""ttlSeconds"":60}",1,"[""isl:x""]",,,,,,h,p',
    );
  });
});
