// Keyevent names (the channel suffix of `__keyevent@<db>__:<event>`) as the watch needs them: the
// ones it subscribes to, which leave a key gone, which take its TTL away by themselves (persist),
// which write it, and the Redis type a write implies. Pure.

/**
 * The keyevent channels the watch subscribes to: every event that can create a key or take its TTL
 * away (a key left without TTL, or given a TTL with it: `SET ... EX` publishes `set`, read after the
 * batch window with its TTL), and those after which a key is gone (its finding clears). Not
 * `expire`, which fires for every `SET ... EX` (it would double the messages of a write flood), nor
 * the events that only shrink an existing key (`srem`, `hdel`, `lpop`...; emptied, the key sends
 * `del`). So a plain `EXPIRE` is not seen: one that fixes a finding clears it at the finding's next
 * re-read, one above the standard on an existing key waits for the next scan.
 */
export const SUBSCRIBED_EVENTS: readonly string[] = [
  // string ($); MSET, GETSET, SETNX and BITOP publish `set`, INCR `incrby`, BITFIELD `setbit`, PFMERGE `pfadd`
  "set",
  "setrange",
  "incrby",
  "incrbyfloat",
  "decrby",
  "append",
  "setbit",
  "pfadd",
  // list (l); LMOVE and RPOPLPUSH publish lpush/rpush for the destination, SORT ... STORE sortstore
  "lpush",
  "rpush",
  "sortstore",
  // hash (h); HSETNX and HMSET publish hset
  "hset",
  "hincrby",
  "hincrbyfloat",
  // set (s); SMOVE publishes sadd for the destination
  "sadd",
  "sinterstore",
  "sunionstore",
  "sdiffstore",
  // sorted set (z); GEOADD publishes zadd
  "zadd",
  "zincr",
  "zunionstore",
  "zinterstore",
  "zdiffstore",
  "zrangestore",
  "georadiusstore",
  "geosearchstore",
  // stream (t: published only where notify-keyspace-events has it)
  "xadd",
  "xgroup-create",
  // generic (g)
  "persist",
  "restore",
  "copy_to",
  "rename_to",
  "move_to",
  // gone: del (g; UNLINK too), expired (x) and evicted (e) where enabled, rename_from, move_from (g)
  "del",
  "expired",
  "evicted",
  "rename_from",
  "move_from",
];

/** Events after which the key no longer exists under that name. */
const GONE = new Set(["del", "expired", "evicted", "rename_from", "move_from"]);

/** What an event means for the key's TTL. */
export type EventKind = "gone" | "persist" | "write";

export function eventKind(event: string): EventKind {
  if (GONE.has(event)) return "gone";
  if (event === "persist") return "persist";
  return "write";
}

const TYPES: [RegExp, string][] = [
  [/^(set|setrange|incrby|incrbyfloat|append|decrby|getdel|getex)$/, "string"],
  [/^(lpush|rpush|linsert|lset|lrem|ltrim|lpop|rpop|lmove|blmove|rpoplpush)$/, "list"],
  [/^(hset|hincrby|hincrbyfloat|hdel)$/, "hash"],
  [/^(sadd|srem|spop|sinterstore|sunionstore|sdiffstore|smove)$/, "set"],
  [
    /^(zadd|zincr|zincrby|zrem|zremrangebyscore|zremrangebyrank|zremrangebylex|zunionstore|zinterstore|zdiffstore|zrangestore|zpopmin|zpopmax)$/,
    "zset",
  ],
  [/^(xadd|xtrim|xdel|xgroup-create|xsetid)$/, "stream"],
];

/** The type a write event implies, "unknown" for events of every type (expire, persist, rename_to, copy_to, restore). */
export function typeOfEvent(event: string): string {
  for (const [re, type] of TYPES) if (re.test(event)) return type;
  return "unknown";
}
