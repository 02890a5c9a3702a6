import { describe, expect, it } from "vitest";
import { compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { can, roles } from "@/lib/policy/access";
import { auditView, expireViolations, maxExpireFor, permissionFor } from "./rules";

const compiled = compilePolicy(policySchema.parse(defaultPolicy));
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

describe("expire bounds", () => {
  it("a key under a pattern may get at most its standard TTL", () => {
    expect(maxExpireFor(compiled, Buffer.from("isl:result:0123456789abcdef"))).toBe(7200);
    expect(maxExpireFor(compiled, Buffer.from("isl:beliefs:0123456789abcdef"))).toBe(86_400);
  });
  it("a key outside the patterns may get at most 7 days", () => {
    expect(maxExpireFor(compiled, Buffer.from("sess:abc"))).toBe(604_800);
  });
  it("names every key the TTL would exceed", () => {
    const keys = [Buffer.from("isl:result:0123456789abcdef"), Buffer.from("isl:beliefs:0123456789abcdef")];
    expect(expireViolations(compiled, keys, 7200)).toEqual([]);
    expect(expireViolations(compiled, keys, 7201)).toEqual([
      { key: "isl:result:0123456789abcdef", maxTtlSeconds: 7200 },
    ]);
  });
});

describe("permissions", () => {
  it("viewer none, operator expire/delete/fix-ttl, admin all", () => {
    const allowed = Object.fromEntries(
      roles.map((role) => [
        role,
        Object.entries(permissionFor)
          .filter(([, p]) => can({ role }, p))
          .map(([a]) => a),
      ]),
    );
    expect(allowed).toEqual({
      viewer: [],
      operator: ["expire", "delete", "fix-ttl"],
      admin: ["expire", "delete", "fix-ttl", "delete-pattern", "flushdb"],
    });
  });
});

describe("auditView", () => {
  it("keeps parameters, counts keys, samples them as display text and drops the key list", () => {
    const view = auditView({
      action: "expire",
      keys: [b64("isl:a\xff"), "!!"],
      ttlSeconds: 60,
      reason: " cleanup ",
    });
    expect(view).toEqual({
      action: "expire",
      params: { ttlSeconds: 60 },
      targetCount: 2,
      sample: ["isl:a\\xc3\\xbf", "<invalid base64>"],
      reason: "cleanup",
    });
  });
  it("records what an unknown action asked for", () => {
    expect(auditView({ action: "persist", match: "*" })).toMatchObject({
      action: "invalid",
      params: { requested: "persist", match: "*" },
    });
    expect(auditView("nope")).toMatchObject({ action: "invalid", params: {}, targetCount: null });
  });
});
