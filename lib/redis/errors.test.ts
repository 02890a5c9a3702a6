import { describe, expect, it, vi } from "vitest";
import { classifyRedisError, describeRedisError, isRedisError, isRefusal, RedisError } from "./errors";

/** An error reply as ioredis builds it (class ReplyError). */
function reply(message: string): Error {
  const err = new Error(message);
  err.name = "ReplyError";
  return err;
}

describe("classifyRedisError", () => {
  it("NOPERM on a command names the command and the ACL rule that grants it", () => {
    const err = classifyRedisError(
      reply("NOPERM this user has no permissions to run the 'memory|usage' command"),
      {
        instanceId: "prod",
      },
    );
    expect(err).toBeInstanceOf(RedisError);
    expect(err).toMatchObject({
      kind: "permission",
      command: "memory|usage",
      keyDenied: false,
      instanceId: "prod",
    });
    expect(err?.aclRule).toBe("+memory|usage");
    expect(err?.message).toBe("the console's Redis user may not run MEMORY USAGE (NOPERM)");
  });

  it("Redis 7.2's wording names the command too", () => {
    const err = classifyRedisError(
      reply("NOPERM User isl-console has no permissions to run the 'ttl' command"),
    );
    expect(err).toMatchObject({ kind: "permission", command: "ttl", keyDenied: false });
  });

  it("NOPERM on a key is a key-level refusal, with the command the caller sent", () => {
    const err = classifyRedisError(
      reply("NOPERM this user has no permissions to access one of the keys used as arguments"),
      {
        command: "ttl",
      },
    );
    expect(err).toMatchObject({ kind: "permission", command: "ttl", keyDenied: true });
    expect(err?.message).toMatch(/ACL key patterns/);
  });

  it("a command refused inside a script is a permission error without a named command", () => {
    const err = classifyRedisError(
      reply(
        "ERR The user executing the script can't run this command or subcommand script: 403b2c, on @user_script:1.",
      ),
      { command: "evalsha_ro" },
    );
    expect(err).toMatchObject({ kind: "permission", command: "evalsha_ro", keyDenied: false });
  });

  it("timeouts, lost and refused connections are told apart", () => {
    expect(classifyRedisError(new Error("Command timed out"))?.kind).toBe("timeout");
    expect(classifyRedisError(new Error("Connection is closed."))).toMatchObject({
      kind: "unreachable",
      message: "connection lost",
    });
    expect(classifyRedisError(new Error("connect ECONNREFUSED 127.0.0.1:6390"))).toMatchObject({
      kind: "unreachable",
      message: "connection refused (127.0.0.1:6390)",
    });
    expect(
      classifyRedisError(new Error("Reached the max retries per request limit (which is 0).")),
    )?.toMatchObject({
      kind: "unreachable",
    });
  });

  it("classifies the other error replies by their code", () => {
    const kinds = Object.fromEntries(
      [
        "WRONGPASS invalid username-password pair or user is disabled.",
        "NOAUTH Authentication required.",
        "OOM command not allowed when used memory > 'maxmemory'.",
        "WRONGTYPE Operation against a key holding the wrong kind of value",
        "LOADING Redis is loading the dataset in memory",
        "BUSY Redis is busy running a script.",
        "READONLY You can't write against a read only replica.",
        "NOSCRIPT No matching script. Please use EVAL.",
        "ERR unknown command 'CONFIG', with args beginning with: 'GET' ",
        "ERR something else",
      ].map((m) => [
        m.split(" ")[0] === "ERR" ? m.slice(0, 20) : m.split(" ")[0],
        classifyRedisError(reply(m))?.kind,
      ]),
    );
    expect(kinds).toEqual({
      WRONGPASS: "auth",
      NOAUTH: "auth",
      OOM: "oom",
      WRONGTYPE: "wrong_type",
      LOADING: "loading",
      BUSY: "busy",
      READONLY: "readonly",
      NOSCRIPT: "script",
      "ERR unknown command ": "unsupported",
      "ERR something else": "other",
    });
    expect(classifyRedisError(reply("ERR unknown command 'CONFIG', with args"))?.command).toBe("config");
  });

  it("leaves errors that are not Redis failures alone", () => {
    expect(classifyRedisError(new TypeError("x is undefined"))).toBeUndefined();
    expect(classifyRedisError("a string")).toBeUndefined();
    expect(describeRedisError(new TypeError("x is undefined"))).toBe("x is undefined");
  });

  it("a refusal is NOPERM or an unknown command, not a failure of Redis", () => {
    expect(isRefusal(reply("NOPERM this user has no permissions to run the 'config|get' command"))).toBe(
      true,
    );
    expect(isRefusal(reply("ERR unknown command 'CONFIG'"))).toBe(true);
    expect(isRefusal(new Error("Command timed out"))).toBe(false);
    expect(isRefusal(reply("ERR something else"))).toBe(false);
  });
});

describe("RedisError across bundles", () => {
  it("is recognised by brand: a connection's error made by another copy of this module is still a RedisError", async () => {
    // Next.js bundles lib/redis/errors.ts into each route and the start-up code apart; a connection
    // (made by whichever bundle asks first) keeps errors of its own bundle's class.
    vi.resetModules();
    const other = await import("./errors");
    expect(other.RedisError).not.toBe(RedisError);
    const foreign = new other.RedisError("auth", "Redis instance a: WRONGPASS", { instanceId: "a", raw: "WRONGPASS" });
    expect(foreign instanceof RedisError).toBe(true);
    expect(isRedisError(foreign, "auth")).toBe(true);
    // Kept as it is, not reclassified from its message.
    expect(classifyRedisError(foreign)).toBe(foreign);
    expect(new Error("WRONGPASS") instanceof RedisError).toBe(false);
  });
});
