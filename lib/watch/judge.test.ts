import { describe, expect, it } from "vitest";
import { compilePolicy } from "@/lib/policy/classify";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policySchema } from "@/lib/policy/types";
import { judge, needsRead, type KeyEvents } from "./judge";

const compiled = compilePolicy(policySchema.parse(defaultPolicy));
const k = (key: string, events: string[]): KeyEvents => ({
  key: Buffer.from(key),
  keyBase64: Buffer.from(key).toString("base64"),
  events,
  firstSeen: 1000,
});
const ident = "isl:ident:00000000000000ab";

describe("judge", () => {
  it("a key without TTL is a finding with the time it was seen", () => {
    expect(judge(compiled, k(ident, ["set"]), -1)).toEqual({
      kind: "finding",
      finding: {
        keyBase64: k(ident, []).keyBase64,
        class: "noTtl",
        ttl: -1,
        pattern: "ident",
        seenAt: 1000,
        event: "set",
        type: "string",
      },
    });
  });

  it("above the pattern's standard is a finding; within it is not", () => {
    expect(judge(compiled, k(ident, ["hset", "expire"]), 6 * 3600 + 1)).toMatchObject({
      kind: "finding",
      finding: { class: "aboveStandard", type: "hash", event: "expire" },
    });
    expect(judge(compiled, k(ident, ["set", "expire"]), 6 * 3600)).toEqual({ kind: "clear" });
  });

  it("a failed read is unread, never no TTL; a persist is a violation even then", () => {
    expect(judge(compiled, k(ident, ["set"]), null)).toEqual({ kind: "unread" });
    expect(judge(compiled, k(ident, ["persist"]), null)).toMatchObject({
      kind: "finding",
      finding: { class: "noTtl", event: "persist", ttl: -1 },
    });
    expect(judge(compiled, k(ident, ["persist"]), -1)).toMatchObject({ finding: { event: "persist" } });
  });

  it("a gone key clears; keys outside the patterns are the scan's", () => {
    expect(judge(compiled, k(ident, ["set"]), -2)).toEqual({ kind: "clear" });
    expect(judge(compiled, k("isl:scratch:1", ["set"]), -1)).toEqual({ kind: "clear" });
    expect(judge(compiled, k("other:1", ["set"]), -1)).toEqual({ kind: "clear" });
  });

  it("only-gone events need no read", () => {
    expect(needsRead(k(ident, ["del"]))).toBe(false);
    expect(needsRead(k(ident, ["expired", "evicted"]))).toBe(false);
    expect(needsRead(k(ident, ["del", "set"]))).toBe(true);
  });
});
