import { describe, expect, it } from "vitest";
import { keyspaceEventFlags, missingWatchFlags, recommendedKeyspaceEvents } from "./keyspace-events";

describe("notify-keyspace-events for the watch", () => {
  it("expands A and reads what CONFIG GET returns", () => {
    expect(missingWatchFlags("AKE")).toEqual([]);
    expect(missingWatchFlags("g$lshzE")).toEqual([]);
    expect([...keyspaceEventFlags("A")]).toContain("z");
  });

  it("lists the missing flags in order", () => {
    expect(missingWatchFlags("")).toEqual(["E", "g", "$", "l", "h", "s", "z"]);
    expect(missingWatchFlags("Kx")).toEqual(["E", "g", "$", "l", "h", "s", "z"]);
    expect(missingWatchFlags("KA")).toEqual(["E"]);
  });

  it("recommends the current flags plus the missing ones", () => {
    expect(recommendedKeyspaceEvents("")).toBe("Eg$lhsz");
    expect(recommendedKeyspaceEvents("KA")).toBe("EKA");
    expect(recommendedKeyspaceEvents("Ex")).toBe("Exg$lhsz");
    expect(recommendedKeyspaceEvents("AKE")).toBeNull();
  });
});
