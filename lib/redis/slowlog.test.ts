import { describe, expect, it } from "vitest";
import { META_SCRIPT, META_SHA } from "./scanner";
import { SCRIPT_LABEL, isOwnScriptCall, markScriptCommands, mergeSlowlogs, toSlowlogEntry } from "./slowlog";

type Raw = Parameters<typeof toSlowlogEntry>[0];
const b = (s: string) => Buffer.from(s);

function raw(id: number, argv: string[], addr = "127.0.0.1:5000", name = ""): Raw {
  return [id, 1_795_000_000, 500, argv.map(b), b(addr), b(name)];
}

/** What Redis logs of a long argument: 128 bytes, then how many more. */
function logged(arg: string): string {
  return arg.length <= 128 ? arg : `${arg.slice(0, 128)}... (${arg.length - 128} more bytes)`;
}

describe("the console's own slow log entries", () => {
  it("an EVALSHA or EVALSHA_RO of the scan metadata script is the console's, whatever its client", () => {
    for (const command of ["EVALSHA", "evalsha_ro"]) {
      const entry = toSlowlogEntry(raw(1, [command, META_SHA, "1", "isl:a"]), false);
      expect(entry).toMatchObject({ own: true, ownLabel: SCRIPT_LABEL, args: null });
    }
  });

  it("an EVAL of the script's body (the NOSCRIPT fallback), as Redis logs it cut at 128 bytes, is the console's", () => {
    expect(isOwnScriptCall(["EVAL", logged(META_SCRIPT), "1", "isl:a"].map(b))).toBe(true);
    expect(isOwnScriptCall(["EVAL_RO", "return 1", "0"].map(b))).toBe(false);
  });

  it("another script's EVALSHA is not", () => {
    const entry = toSlowlogEntry(raw(1, ["EVALSHA", "0".repeat(40), "0"]), false);
    expect(entry).toMatchObject({ own: false, ownLabel: null });
  });

  it("a command from a connection named isl-console-* is the console's, labelled by connection", () => {
    expect(toSlowlogEntry(raw(1, ["SCAN", "0"], "127.0.0.1:1", "isl-console-scan"), false)).toMatchObject({
      own: true,
      ownLabel: "console: scan connection",
    });
    expect(toSlowlogEntry(raw(1, ["INFO"], "127.0.0.1:1", "isl-console-main"), false).ownLabel).toBe(
      "console: main connection",
    );
    expect(toSlowlogEntry(raw(1, ["GET", "k"], "127.0.0.1:1", "isl-api"), false).own).toBe(false);
  });

  it("commands run inside the console's script (client ?:0, logged just before the call) are its own", () => {
    // SLOWLOG GET order: newest first. Redis logs a script's commands, then the call itself:
    // ids 3-4 ran inside the console's call 5, id 1 inside someone else's EVAL (id 2).
    const entries = markScriptCommands(
      [
        raw(6, ["GET", "k"], "127.0.0.1:7", "isl-api"),
        raw(5, ["EVALSHA", META_SHA, "2", "isl:a", "isl:b"], "127.0.0.1:9", "isl-console-scan"),
        raw(4, ["MEMORY", "USAGE", "isl:b"], "?:0"),
        raw(3, ["TTL", "isl:a"], "?:0"),
        raw(2, ["EVAL", "return redis.call('DEL', 'x')", "0"], "127.0.0.1:7", "isl-api"),
        raw(1, ["DEL", "x"], "?:0"),
      ].map((r) => toSlowlogEntry(r, false)),
    );
    expect(entries.map((e) => [e.id, e.own])).toEqual([
      [6, false],
      [5, true],
      [4, true],
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect(entries[3]?.ownLabel).toBe(`${SCRIPT_LABEL} (TTL run inside it)`);
  });

  it("a script command whose call is not in the list (another script, or cut off) stays unattributed", () => {
    const entries = markScriptCommands([toSlowlogEntry(raw(8, ["TTL", "isl:a"], "?:0"), false)]);
    expect(entries[0]).toMatchObject({ own: false, ownLabel: null });
  });
});

describe("the slow logs of several nodes", () => {
  const at = (id: number, seconds: number, node: string) => ({
    ...toSlowlogEntry(
      [id, 1_795_000_000 + seconds, 500, [b("GET"), b("k")], b("127.0.0.1:5000"), b("")],
      false,
    ),
    node,
  });

  it("merges newest first, ids kept per node, and keeps the newest `count`", () => {
    const a = [at(9, 5, "a:1"), at(8, 3, "a:1"), at(7, 3, "a:1")];
    const c = [at(2, 4, "c:3"), at(1, 3, "c:3")];
    const merged = mergeSlowlogs([a, c], 4);
    expect(merged.map((e) => `${e.node}#${e.id}`)).toEqual(["a:1#9", "c:3#2", "a:1#8", "a:1#7"]);
  });
});
