import { describe, expect, it } from "vitest";
import { eventKind, SUBSCRIBED_EVENTS, typeOfEvent } from "./events";

describe("the keyevent channels the watch subscribes to", () => {
  it("leave out expire (a second message for every SET ... EX) and the events that only shrink a key", () => {
    for (const e of ["expire", "srem", "hdel", "lpop", "rpop", "ltrim", "zrem", "xdel", "new"])
      expect(SUBSCRIBED_EVENTS).not.toContain(e);
  });

  it("take every event after which a key is gone, persist, and the writes that create keys of each type", () => {
    for (const e of ["del", "expired", "evicted", "rename_from", "move_from"]) {
      expect(SUBSCRIBED_EVENTS).toContain(e);
      expect(eventKind(e)).toBe("gone");
    }
    expect(SUBSCRIBED_EVENTS).toContain("persist");
    const types = new Set(SUBSCRIBED_EVENTS.filter((e) => eventKind(e) === "write").map(typeOfEvent));
    expect([...types].sort()).toEqual(["hash", "list", "set", "stream", "string", "unknown", "zset"]);
    expect(new Set(SUBSCRIBED_EVENTS).size).toBe(SUBSCRIBED_EVENTS.length);
  });
});
