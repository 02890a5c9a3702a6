// The ACL rules of the console's own Redis users: one that only reads (viewer features), one that
// may also fix TTLs and delete keys (operator), one for the admin features. The README's Access
// section quotes these lines verbatim (tests/integration/acl-users.test.ts holds it to that), and
// the capability probe (capabilities.ts) names the same commands, so the three cannot drift.
// Pure data: no I/O. Redis 7.0 or later (EVALSHA_RO, `%R~` read-only key patterns).

export type ConsoleRedisRole = "viewer" | "operator" | "admin";

/** Every connection: ioredis's ready check (INFO), CLIENT SETNAME, SELECT for a db above 0, the sampler's PING. */
const CONNECTION = "+ping +info +client|setname +select";

/** What lets the console tell what its user may do (the ops page): nothing queued is ever run (no +exec). */
const SELF_CHECK = "+acl|whoami +multi +discard";

/**
 * Key list, scans and the key browser's metadata; the read-only script reads a batch in one call
 * (OBJECT IDLETIME / FREQ: the review's cache effectiveness; neither touches the key).
 */
const SCAN =
  "+dbsize +scan +type +ttl +memory|usage +object|idletime +object|freq +strlen +hlen +llen +scard +zcard +xlen +script|load +evalsha_ro +eval_ro";

/** The key browser's value viewer, one command per type. */
const VALUES = "+getrange +hscan +sscan +lrange +zrange +xrevrange";

/** The ops page's reads. */
const OPS = "+client|list +slowlog|get +slowlog|len +config|get +latency|latest +latency|histogram";

const OPERATOR_WRITES = "+expire +unlink";
const ADMIN_WRITES = "+flushdb +config|set +slowlog|reset";

/**
 * The live TTL watch: keyevent notifications of db 0 on a subscriber connection, SUBSCRIBE to the
 * channels it uses (`__keyevent@0__:set`...), each allowed by the channel pattern (for db N:
 * `&__keyevent@N__:*`).
 */
const WATCH = "+subscribe";
export const WATCH_CHANNELS = "resetchannels &__keyevent@0__:*";

const viewerCommands = [CONNECTION, SELF_CHECK, SCAN, VALUES, OPS, WATCH].join(" ");

/**
 * Read any key (`%R~*`: foreign keys keep their TTL and size), write none: the viewer user runs no
 * command that writes.
 */
export const VIEWER_ACL_RULES = `%R~* ${WATCH_CHANNELS} -@all ${viewerCommands}`;

/** Reads any key, writes (EXPIRE, UNLINK) only keys under the namespace `isl:`. */
export const OPERATOR_ACL_RULES = `%R~* ~isl:* ${WATCH_CHANNELS} -@all ${viewerCommands} ${OPERATOR_WRITES}`;

/** Every key: delete-pattern may clean foreign keys, and FLUSHDB ignores key patterns anyway. */
export const ADMIN_ACL_RULES = `~* ${WATCH_CHANNELS} -@all ${viewerCommands} ${OPERATOR_WRITES} ${ADMIN_WRITES}`;

export interface ConsoleRedisUser {
  role: ConsoleRedisRole;
  /** The suggested user name (any name works; the instance URL carries it). */
  name: string;
  rules: string;
}

export const CONSOLE_REDIS_USERS: readonly ConsoleRedisUser[] = [
  { role: "viewer", name: "isl-console-viewer", rules: VIEWER_ACL_RULES },
  { role: "operator", name: "isl-console-operator", rules: OPERATOR_ACL_RULES },
  { role: "admin", name: "isl-console-admin", rules: ADMIN_ACL_RULES },
];

/** The placeholder the README shows for a user's password. */
export const PASSWORD_PLACEHOLDER = "PASSWORD";

/** `ACL SETUSER <name> reset on >PASSWORD <rules>`: `reset` first, so running it again gives the same user. */
export function aclSetUserLine(user: ConsoleRedisUser, password = PASSWORD_PLACEHOLDER): string {
  return `ACL SETUSER ${user.name} reset on >${password} ${user.rules}`;
}

/** The same user as a redis.conf / aclfile line. */
export function aclFileLine(user: ConsoleRedisUser, password = PASSWORD_PLACEHOLDER): string {
  return `user ${user.name} reset on >${password} ${user.rules}`;
}

/**
 * What every console user needs in addition on a Redis Cluster: the client learns the slot map with
 * CLUSTER SLOTS and checks the cluster with CLUSTER INFO (the overview's cluster_state too), the ops
 * page names failing nodes from CLUSTER NODES, and scans on replicas open their connections with
 * READONLY. ACL users are per node: set the user on every node.
 */
export const CLUSTER_ACL_RULES = "+cluster|slots +cluster|info +cluster|nodes +readonly";

/** A console user's rules for a cluster node: its rules plus CLUSTER_ACL_RULES. */
export function clusterUser(user: ConsoleRedisUser): ConsoleRedisUser {
  return { ...user, rules: `${user.rules} ${CLUSTER_ACL_RULES}` };
}
