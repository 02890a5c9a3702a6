import { describe, expect, it } from "vitest";
import { auditQuerySchema } from "./audit";
import { keyDetailQuerySchema, keysQuerySchema } from "./keys";
import { intParam, isoTimeSchema, scanCursorSchema } from "./query";

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

describe("scanCursorSchema", () => {
  it("takes 0 to 2^64-1 in decimal digits and passes it on without leading zeros", () => {
    expect(scanCursorSchema.parse("0")).toBe("0");
    expect(scanCursorSchema.parse("18446744073709551615")).toBe("18446744073709551615");
    expect(scanCursorSchema.parse("0000000000000000000042")).toBe("42");
  });

  it("refuses 2^64 and beyond, signs, exponents, hex, spaces and empty text", () => {
    for (const bad of [
      "18446744073709551616",
      "99999999999999999999",
      "1".repeat(41),
      "-1",
      "+1",
      "1e3",
      "0x10",
      " 1",
      "1 ",
      "1.0",
      "",
      "١٢", // Arabic-Indic digits are not decimal digits here
    ])
      expect(ok(scanCursorSchema, bad), JSON.stringify(bad)).toBe(false);
  });
});

describe("intParam", () => {
  const limit = intParam(1, 1000);

  it("takes decimal digits within the bounds, as text or as a number", () => {
    expect(limit.parse("1")).toBe(1);
    expect(limit.parse("1000")).toBe(1000);
    expect(limit.parse("007")).toBe(7);
    expect(limit.parse(50)).toBe(50);
  });

  it("refuses what Number() would take loosely, and values out of bounds", () => {
    for (const bad of [
      "0",
      "1001",
      "",
      " 5",
      "1e2",
      "0x10",
      "5.0",
      "-1",
      "Infinity",
      "NaN",
      "1".repeat(17),
      1.5,
      null,
    ])
      expect(ok(limit, bad), JSON.stringify(bad)).toBe(false);
  });
});

describe("isoTimeSchema", () => {
  it("takes ISO 8601 dates and date-times with seconds and a zone", () => {
    for (const good of [
      "2026-03-01",
      "2024-02-29",
      "2026-03-01T09:30:00Z",
      "2026-03-01T09:30:00.123Z",
      "2026-03-01T09:30:00+01:00",
      "0000-01-01",
      "9999-12-31T23:59:59Z",
    ])
      expect(ok(isoTimeSchema, good), good).toBe(true);
  });

  it("refuses what Date.parse accepts loosely", () => {
    for (const bad of [
      "99999-01-01",
      "+099999-01-01T00:00:00.000Z",
      "-000001-01-01T00:00:00Z",
      "2026-02-30",
      "2023-02-29",
      "2026-13-01",
      "2026-03-01T09:30", // no zone: the server's local time is not the user's
      "2026-03-01T24:00:00Z",
      "2026-03-01 09:30:00Z",
      "March 7, 2026",
      "1700000000000",
      "9999-12-31T23:59:59-01:00", // past 9999 in UTC
      "",
    ])
      expect(ok(isoTimeSchema, bad), bad).toBe(false);
  });
});

describe("query schemas bound every number and time", () => {
  it("keys: cursor within 0..2^64-1, count within 1..1000", () => {
    expect(keysQuerySchema.parse({ cursor: "18446744073709551615" }).cursor).toBe("18446744073709551615");
    expect(ok(keysQuerySchema, { cursor: "18446744073709551616" })).toBe(false);
    expect(ok(keysQuerySchema, { cursor: "abc" })).toBe(false);
    expect(ok(keysQuerySchema, { count: "1e3" })).toBe(false);
  });

  it("key detail: from is an index, a cursor or a stream id; limit within 1..1000", () => {
    for (const from of [
      "0",
      "17",
      "9007199254740991",
      "1-0",
      "0-1",
      "18446744073709551615-18446744073709551615",
    ])
      expect(keyDetailQuerySchema.parse({ from }).from, from).toBe(from);
    expect(keyDetailQuerySchema.parse({ from: "" }).from).toBeUndefined();
    for (const from of [
      "-",
      "1-",
      "-1",
      "0-0",
      "1-2-3",
      "9007199254740992",
      "18446744073709551616-0",
      "x",
      "1e3",
    ])
      expect(ok(keyDetailQuerySchema, { from }), from).toBe(false);
    expect(ok(keyDetailQuerySchema, { limit: "1001" })).toBe(false);
    expect(keyDetailQuerySchema.parse({}).limit).toBe(1000);
  });

  it("audit: since is a real ISO 8601 time, before a positive safe integer, limit within 1..1000", () => {
    expect(auditQuerySchema.parse({ since: "2026-03-01T00:00:00Z", before: "42", limit: "5" })).toMatchObject(
      {
        since: "2026-03-01T00:00:00Z",
        before: 42,
        limit: 5,
      },
    );
    expect(ok(auditQuerySchema, { since: "99999-01-01" })).toBe(false);
    expect(ok(auditQuerySchema, { since: "yesterday" })).toBe(false);
    for (const before of ["0", "-1", "9007199254740992", "1e3", "abc"])
      expect(ok(auditQuerySchema, { before }), before).toBe(false);
    expect(ok(auditQuerySchema, { limit: "0" })).toBe(false);
    expect(ok(auditQuerySchema, { limit: "1001" })).toBe(false);
  });
});
