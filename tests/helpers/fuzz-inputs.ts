// What the fuzz test (tests/integration/fuzz.test.ts) sends: seeded keys, malformed path ids,
// query values and bodies. Every body is invalid for every route (never a valid action, never a
// valid flushdb, never an empty body or `{}`, which start a scan or apply config), so nothing may run.

/** The single instance's id in the fuzz test. */
export const INSTANCE = "fuzz";

/** Seeded keys: [name, type, has a TTL]; names printable, so redis-cli reads them back as they are. */
export const SEED = [
  ["isl:result:0123456789abcdef", "string", true],
  ["isl:beliefs:user_123", "string", false],
  ["isl:ident:fedcba9876543210", "hash", false],
  ["isl:sensitivity:00112233aabbccdd", "zset", true],
  ["isl:odd:list", "list", false],
  ["foreign:set", "set", true],
  ["isl:odd:stream", "stream", false],
] as const;
export const SEED_SCRIPT = `
redis.call('SET', KEYS[1], '{"answer":42}', 'EX', 3600)
redis.call('SET', KEYS[2], 'no ttl, readable id')
for i = 1, 300 do
  redis.call('HSET', KEYS[3], 'field' .. i, 'value' .. i)
  redis.call('ZADD', KEYS[4], i, 'member' .. i)
  redis.call('RPUSH', KEYS[5], 'element' .. i)
  redis.call('SADD', KEYS[6], 'member' .. i)
end
for i = 1, 60 do redis.call('XADD', KEYS[7], '*', 'n', i) end
redis.call('EXPIRE', KEYS[4], 7200)
redis.call('EXPIRE', KEYS[6], 86400)
return redis.call('DBSIZE')`;

export const b64url = (s: string) => Buffer.from(s).toString("base64url");
const SEEDED_KEY = b64url(SEED[0][0]);

/** Valid-looking values for each path parameter: the seeded instance and key, ids that do not exist. */
export const baseline = (name: string): string =>
  name === "id" ? INSTANCE : name === "keyBase64url" ? SEEDED_KEY : `no-such-${name}`;

export const BAD_IDS = [
  "",
  " ",
  "x".repeat(5000),
  `${"é".repeat(3000)}`,
  "%",
  "%ff",
  "%25",
  "é😀",
  "\u0000",
  "\u0001\u007f\uffff\ufffe",
  "\ud800",
  "../",
  "../../etc/passwd",
  "..",
  ".",
  "a/b",
  "\\",
  "<script>alert(1)</script>",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "toString",
  "0",
  "-1",
  "1e308",
  "*",
  "[",
  "?x=1",
  "#",
  INSTANCE.toUpperCase(),
  ` ${INSTANCE}`,
  `${INSTANCE}\u0000`,
  // not base64url (keyBase64url): padding, the standard alphabet, stray characters, a lone char
  `${SEEDED_KEY}=`,
  "aXNs+Ojo/",
  "!!!",
  "a",
  "=",
  "AAAA====",
  SEEDED_KEY.toLowerCase(),
];

const BAD_NUMBERS = [
  "",
  "-1",
  "0",
  "-0",
  "1.5",
  "1e3",
  "0x10",
  " 7",
  "7 ",
  "NaN",
  "Infinity",
  "18446744073709551616",
  "99999999999999999999999999999",
  "9007199254740993",
  "1e309",
  "١٢",
];
const BAD_TIMES = [
  "",
  "99999-01-01",
  "+099999-01-01T00:00:00Z",
  "2026-02-30",
  "yesterday",
  "1700000000000",
  "2026-03-01T09:30",
  "9999-12-31T23:59:59-01:00",
];
const BAD_FLAGS = ["", "maybe", "2", "-1", "TRUE", "yes", "on", "null", "x".repeat(5000)];
const BAD_TEXTS = ["[", "\\", "[a-", "*".repeat(100), "x".repeat(5000), "\u0000", "é😀", "%", "%ff"];
const PARAMS: [string[], string[]][] = [
  [["cursor", "count", "limit", "offset", "before", "minutes"], BAD_NUMBERS],
  [["since", "until"], BAD_TIMES],
  [
    ["from"],
    [...BAD_NUMBERS, ...BAD_TIMES, "0-0", "1-", "-", "1-2-3", "18446744073709551616-0", "(1-0", "+"],
  ],
  [
    ["lists", "list", "reveal", "refresh", "download", "format", "range", "type", "outcome", "mode"],
    BAD_FLAGS,
  ],
  [["match", "pattern", "q", "instance", "actor", "action"], BAD_TEXTS],
];
/** Valid `from` values of one type or another: each key type must cope with all of them. */
export const FOREIGN_STARTS = [
  "0",
  "1",
  "299",
  "300",
  "9007199254740991",
  "1-0",
  "0-1",
  "18446744073709551615-18446744073709551615",
];
/** Raw query strings: bad percent-encoding, empty names, repeated parameters. */
const RAW_QUERIES = [
  "cursor=%",
  "count=%ff%fe",
  "since=%E0%A4%A",
  "match=%ZZ",
  "a=%00&b=%",
  "&&&",
  "=",
  "cursor",
  "cursor=1&cursor=abc",
  "limit=1&limit=1e3",
];
export const BAD_QUERIES = [
  ...PARAMS.flatMap(([names, values]) =>
    names.flatMap((name) => values.map((v) => new URLSearchParams({ [name]: v }).toString())),
  ),
  ...RAW_QUERIES,
];

export const action = (body: Record<string, unknown>) => JSON.stringify(body);
const KEY = Buffer.from(SEED[0][0]).toString("base64");
/** Every one is invalid for every route: never a valid action, never an empty body or `{}`. */
export const BAD_BODIES: [string, string][] = [
  ["not JSON", "{"],
  ["text", "not json at all"],
  ["binary", "\u0000\u0001\u0002\uffff"],
  ["truncated", '{"action":"expire","keys":['],
  ["null", "null"],
  ["number", "42"],
  ["string", '"expire"'],
  ["boolean", "true"],
  ["array", "[]"],
  ["array of actions", `[${action({ action: "delete", keys: [KEY], reason: "fuzz" })}]`],
  ["unknown action", action({ action: "persist", keys: [KEY], reason: "fuzz" })],
  ["expire without keys", action({ action: "expire", ttlSeconds: 60, reason: "fuzz" })],
  ["expire ttl 0", action({ action: "expire", keys: [KEY], ttlSeconds: 0, reason: "fuzz" })],
  ["expire ttl -1", action({ action: "expire", keys: [KEY], ttlSeconds: -1, reason: "fuzz" })],
  ["expire ttl 1.5", action({ action: "expire", keys: [KEY], ttlSeconds: 1.5, reason: "fuzz" })],
  ["expire ttl text", action({ action: "expire", keys: [KEY], ttlSeconds: "60", reason: "fuzz" })],
  ["expire ttl null", action({ action: "expire", keys: [KEY], ttlSeconds: null, reason: "fuzz" })],
  ["expire ttl 1e309", `{"action":"expire","keys":["${KEY}"],"ttlSeconds":1e309,"reason":"fuzz"}`],
  [
    "expire extra field",
    action({ action: "expire", keys: [KEY], ttlSeconds: 60, reason: "fuzz", persist: true }),
  ],
  ["expire bad keys", action({ action: "expire", keys: ["!!!", ""], ttlSeconds: 0 })],
  ["delete no keys", action({ action: "delete", keys: [], reason: "fuzz" })],
  ["delete 1001 keys", action({ action: "delete", keys: Array<string>(1001).fill(KEY), reason: "fuzz" })],
  ["delete huge key", action({ action: "delete", keys: ["x".repeat(800_000)], reason: "fuzz" })],
  ["delete keys numbers", action({ action: "delete", keys: [1, 2], reason: "fuzz" })],
  ["delete keys object", action({ action: "delete", keys: { 0: KEY }, reason: "fuzz" })],
  ["delete-pattern no match", action({ action: "delete-pattern", dryRun: false, reason: "fuzz" })],
  ["delete-pattern empty match", action({ action: "delete-pattern", match: "", dryRun: false })],
  ["delete-pattern dryRun text", action({ action: "delete-pattern", match: "*", dryRun: "no" })],
  ["fix-ttl two sources", action({ action: "fix-ttl", match: "*", list: "noTtl" })],
  ["fix-ttl no source", action({ action: "fix-ttl", dryRun: false })],
  ["fix-ttl bad list", action({ action: "fix-ttl", list: "everything" })],
  ["flushdb no confirm", action({ action: "flushdb", reason: "fuzz" })],
  ["flushdb no reason", action({ action: "flushdb", confirm: "nope" })],
  ["flushdb confirm case", action({ action: "flushdb", confirm: INSTANCE.toUpperCase(), reason: "fuzz" })],
  ["flushdb confirm space", action({ action: "flushdb", confirm: ` ${INSTANCE}`, reason: "fuzz" })],
  ["flushdb confirm number", action({ action: "flushdb", confirm: 1, reason: "fuzz" })],
  ["flushdb extra field", action({ action: "flushdb", confirm: "nope", reason: "fuzz", force: true })],
  ["scan bad mode", action({ mode: "warp" })],
  ["scan empty match", action({ match: "" })],
  ["scan extra field", action({ match: "*", bogus: 1 })],
  ["scan huge match", action({ match: "x".repeat(600) })],
  ["ops reason number", action({ reason: 42 })],
  ["ops extra field", action({ reason: "fuzz", apply: ["maxmemory"] })],
  ["ops reason too long", action({ reason: "x".repeat(501) })],
  ["login empty", action({ username: "", password: "" })],
  ["login wrong types", action({ username: ["admin"], password: {} })],
  ["prototype keys", '{"__proto__":{"action":"flushdb"},"constructor":{"prototype":{"x":1}}}'],
  ["deep array", `${"[".repeat(5000)}${"]".repeat(5000)}`],
  ["deep object", `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`],
  ["huge string", JSON.stringify("x".repeat(2_000_000))],
  ["large object", action({ reason: "x".repeat(900_000) })],
];
