// What to check and what to do for each alert, from the ops guide's troubleshooting section, in
// the console's own words; checks link to the console page that shows the thing to check.
import type { AlertRule } from "./alerts";

export interface RunbookStep {
  text: string;
  /** A console page (relative URL) that shows what this step looks at. */
  href?: string;
}

export interface Runbook {
  check: RunbookStep[];
  do: RunbookStep[];
}

type RunbookTemplate = (base: string) => Runbook;

const templates: Record<AlertRule, RunbookTemplate> = {
  memory: (base) => ({
    check: [
      { text: "Memory trend over the last 24 h: steady growth or a sudden jump?", href: `${base}?range=24h` },
      { text: "Key count and memory per pattern against the expected figures", href: `${base}/review` },
      {
        text: "Keys above their pattern's standard TTL or without TTL (they never make room)",
        href: `${base}/ttl`,
      },
      { text: "maxmemory and maxmemory-policy (volatile-lru expected)", href: `${base}/ops` },
    ],
    do: [
      {
        text: "Under 90 %: with volatile-lru Redis evicts keys with a TTL; ISL recomputes on a miss. Watch the trend.",
      },
      { text: "One pattern dominating: shorten its TTL (a code change in ISL) and fix keys above standard." },
      {
        text: "Sustained above 90 %: ask DevOps to raise maxmemory (targets: 2 GB staging, 4 GB production).",
      },
    ],
  }),
  evictions: (base) => ({
    check: [
      { text: "Memory used against maxmemory: under 90 % is expected during cache warm-up", href: base },
      { text: "Key distribution per pattern: which pattern fills the memory", href: `${base}/review` },
      { text: "Biggest keys by memory and by element count", href: `${base}/review` },
      { text: "Hit rate: is it dropping while evictions rise?", href: `${base}?range=6h` },
    ],
    do: [
      { text: "Memory under 90 %: expected during warm-up; monitor for a sustained rate." },
      { text: "Memory above 90 %: raise maxmemory (DevOps task)." },
      { text: "One key type dominating: reduce that pattern's TTL (code change in ISL)." },
    ],
  }),
  clients: (base) => ({
    check: [
      { text: "Connected clients against maxclients over the last hour", href: `${base}?range=1h` },
      { text: "Client list: who holds connections, how long they have been idle", href: `${base}/ops` },
      { text: "Latency: REDIS_TIMEOUT errors in ISL logs often come with it", href: `${base}/ops` },
    ],
    do: [
      {
        text: "Connections near the maximum: increase the ISL connection pool size or maxclients (config change).",
      },
      { text: "Many long-idle clients: a client leaks connections; restart it and escalate to its owners." },
    ],
  }),
  latency: (base) => ({
    check: [
      { text: "Latency history: sustained or intermittent?", href: `${base}/ops` },
      { text: "Slow log: large keys or expensive commands", href: `${base}/ops` },
      { text: "Ops/s and connected clients at the same time", href: `${base}?range=1h` },
    ],
    do: [
      { text: "Sustained above 100 ms: network or infrastructure issue; contact DevOps." },
      { text: "Intermittent: expected on shared infrastructure; monitor for a sustained issue." },
      { text: "Slow commands on big keys: find the pattern and shrink its values (code change)." },
    ],
  }),
  "hit-rate": (base) => ({
    check: [
      { text: "Evictions: warm keys evicted under memory pressure lower the hit rate", href: base },
      { text: "Keys per pattern against expected counts", href: `${base}/review` },
      { text: "TTL spread per pattern: are keys expiring before they are reused?", href: `${base}/ttl` },
    ],
    do: [
      { text: "If stale data is acceptable, lengthen TTLs (e.g. beliefs 24 h to 48 h; code change)." },
      { text: "Ask the PLoT team to normalise inputs so equal requests make equal keys." },
      { text: "After the pilot: pre-warm the cache with common scenarios on deployment." },
    ],
  }),
  "keys-without-ttl": (base) => ({
    check: [
      { text: "The list of keys without TTL and their patterns", href: `${base}/ttl` },
      { text: "Unknown patterns among them (not written by ISL's cache code)", href: `${base}/review` },
    ],
    do: [
      { text: "This is a bug and should never happen: escalate to the ISL developers now." },
      {
        text: "Set the pattern's standard TTL on the keys (Fix on the TTL page; never PERSIST).",
        href: `${base}/ttl`,
      },
      { text: "Delete keys of unknown patterns.", href: `${base}/ttl` },
    ],
  }),
  "ttl-compliance-unknown": (base) => ({
    check: [
      {
        text: "Why the last scans failed or could not read every key (the TTL page's scan panel)",
        href: `${base}/ttl`,
      },
      {
        text: "Whether the console's Redis user has the commands a scan needs (capabilities)",
        href: `${base}/ops`,
      },
    ],
    do: [
      {
        text: "Fix the cause: Redis reachable and answering, or grant the console's Redis user the command named (README, Access).",
      },
      {
        text: "Then run a scan: until one completes, no alert about keys without TTL can be trusted to be clear.",
        href: `${base}/ttl`,
      },
    ],
  }),
  "cluster-state": (base) => ({
    check: [
      {
        text: "The node table: which masters are unreachable or flagged fail, and which slots they served",
        href: base,
      },
      { text: "Whether each failed master has a replica with its link up (it can take over)", href: base },
      { text: "redis-cli --cluster check <any node>: slot coverage and the nodes' view of each other" },
    ],
    do: [
      {
        text: "A master down with a healthy replica: the cluster fails over within cluster-node-timeout; watch the state return to ok.",
      },
      {
        text: "A master and its replicas all down: restart one of them (its nodes.conf brings it back with its slots); the slots stay unserved until then.",
      },
      {
        text: "Never CLUSTER RESET or reassign slots of a node that may come back with its data; escalate to DevOps.",
      },
    ],
  }),
  "sentinel-master": (base) => ({
    check: [
      {
        text: "The sentinel panel: the master the sentinels name, their number, the replicas' links",
        href: base,
      },
      { text: "Whether a majority of sentinels (the quorum) is up and can reach each other" },
      { text: "SENTINEL MASTER <name> on a sentinel: flags s_down/o_down, failover state" },
    ],
    do: [
      {
        text: "Master down, failover under way: wait for down-after-milliseconds plus the failover; the console follows the new master.",
      },
      {
        text: "No failover after that: a replica may be unreachable or too far behind; bring the old master or a replica back.",
      },
      {
        text: "No sentinel answers: the console cannot tell which server is master; restart the sentinels (DevOps).",
      },
    ],
  }),
  "command-latency": (base) => ({
    check: [
      {
        text: "Per-command latency next to the PING round trip: one command slow (the server) or all and PING too (the network)?",
        href: `${base}/ops`,
      },
      {
        text: "Slow log: which calls of that command, on which keys (arguments hidden by default)",
        href: `${base}/ops`,
      },
      {
        text: "Biggest keys: slow GET/SET on big values; EVAL/EVALSHA: a long script blocks every client",
        href: `${base}/review`,
      },
      { text: "ISL logs: REDIS_TIMEOUT errors (the guide's socket_timeout is 5 s; the p95 target 2 s)" },
    ],
    do: [
      {
        text: "A slow script (EVAL, EVALSHA): find its caller and bound its loop; Redis runs nothing else meanwhile.",
      },
      { text: "Slow reads or writes on big keys: shrink that pattern's values (code change in ISL)." },
      {
        text: "Every command slow, PING too: network or infrastructure issue (the guide: above 100 ms, contact DevOps).",
      },
      { text: "Intermittent: expected on shared infrastructure; monitor for a sustained issue." },
    ],
  }),
  persistence: (base) => ({
    check: [
      {
        text: "The persistence panel: rdb_last_bgsave_status, the last successful save (time and age), changes since, AOF statuses",
        href: `${base}/ops`,
      },
      { text: "Where Redis writes its dump: redis-cli CONFIG GET dir (and dbfilename)" },
      {
        text: "Disk space and permissions of that directory for the user Redis runs as (df -h <dir>; ls -ld <dir>)",
      },
      {
        text: 'The Redis server log: "Background saving error", "Failed opening the RDB file", fork errors (memory)',
      },
    ],
    do: [
      {
        text: "Free disk space or fix the directory's owner and permissions (DevOps), then run redis-cli BGSAVE and check the status turns ok.",
      },
      { text: "Fork failing for memory: check vm.overcommit_memory and the host's free memory (DevOps)." },
      {
        text: "The guide keeps RDB snapshots every 15 minutes for 7 days, for diagnosis only: Redis is a cache, nothing is lost, but fix it within the day.",
      },
    ],
  }),
};

export function runbookFor(rule: AlertRule, instanceId: string): Runbook {
  return templates[rule](`/i/${encodeURIComponent(instanceId)}`);
}
