// Keyevent names (the channel suffix of `__keyevent@<db>__:<event>`) as the watch needs them: which
// leave a key gone, which take its TTL away by themselves (persist), which write it, and the Redis
// type a write implies. Pure.

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
