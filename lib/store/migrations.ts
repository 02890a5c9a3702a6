// Numbered schema migrations, applied in order at start-up inside one transaction each.
// Append only: a released migration is never edited; a change is a new number. Written for SQLite;
// PostgreSQL gets the same with its types (postgresSql), or its own text where SQLite's differs
// (triggers, rowid).

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** PostgreSQL's text, where translating `sql` is not enough. */
  postgres?: string;
}

/** SQLite's column types as PostgreSQL's: INTEGER holds epoch milliseconds and byte counts (BIGINT); no STRICT. */
function translate(sql: string): string {
  return sql
    .replace(/\)\s*STRICT\s*;/g, ");")
    .replace(/\bINTEGER\b/g, "BIGINT")
    .replace(/\bREAL\b/g, "DOUBLE PRECISION");
}

/** The migration's text for PostgreSQL. */
export function postgresSql(m: Migration): string {
  return m.postgres ?? translate(m.sql);
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: "meta",
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: "metrics",
    sql: `
      -- One row per sampler attempt: gauges, raw counters and the deltas since the previous sample
      -- (null after a gap or a counter reset, so rates never spike or go negative).
      CREATE TABLE metric_samples (
        instance_id       TEXT    NOT NULL,
        t                 INTEGER NOT NULL,
        reachable         INTEGER NOT NULL,
        error             TEXT,
        run_id            TEXT,
        uptime_seconds    INTEGER,
        used_bytes        INTEGER,
        max_bytes         INTEGER,
        connected_clients INTEGER,
        max_clients       INTEGER,
        latency_ms        REAL,
        keys              INTEGER,
        evicted_keys      INTEGER,
        expired_keys      INTEGER,
        keyspace_hits     INTEGER,
        keyspace_misses   INTEGER,
        total_commands    INTEGER,
        delta_ms          INTEGER,
        d_evicted         INTEGER,
        d_expired         INTEGER,
        d_hits            INTEGER,
        d_misses          INTEGER,
        d_commands        INTEGER,
        PRIMARY KEY (instance_id, t)
      ) STRICT;
      -- One-minute rollups of reachable samples: min/avg/max of gauges, sums of deltas.
      CREATE TABLE metric_rollups (
        instance_id     TEXT    NOT NULL,
        minute          INTEGER NOT NULL,
        samples         INTEGER NOT NULL,
        reachable       INTEGER NOT NULL,
        used_min        INTEGER,
        used_avg        REAL,
        used_max        INTEGER,
        max_bytes       INTEGER,
        clients_min     INTEGER,
        clients_avg     REAL,
        clients_max     INTEGER,
        max_clients     INTEGER,
        latency_avg     REAL,
        latency_max     REAL,
        keys            INTEGER,
        delta_ms        INTEGER NOT NULL,
        d_evicted       INTEGER NOT NULL,
        d_expired       INTEGER NOT NULL,
        d_hits          INTEGER NOT NULL,
        d_misses        INTEGER NOT NULL,
        d_commands      INTEGER NOT NULL,
        PRIMARY KEY (instance_id, minute)
      ) STRICT;
      -- The latest overview per instance (JSON), written by the sampler after each sample.
      CREATE TABLE metric_overview (
        instance_id TEXT PRIMARY KEY,
        t           INTEGER NOT NULL,
        body        TEXT    NOT NULL
      ) STRICT;
      -- Which process samples an instance: one owner per data directory, until expires_at.
      CREATE TABLE sampler_leases (
        instance_id TEXT PRIMARY KEY,
        owner       TEXT    NOT NULL,
        expires_at  INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: "scans",
    sql: `
      CREATE TABLE scans (
        id              TEXT PRIMARY KEY,
        instance        TEXT NOT NULL,
        match           TEXT NOT NULL,
        mode            TEXT NOT NULL,
        trigger         TEXT NOT NULL,
        status          TEXT NOT NULL,
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        scanned         INTEGER NOT NULL,
        total           INTEGER NOT NULL,
        keys_per_second REAL NOT NULL,
        error           TEXT,
        keys            INTEGER,
        bytes           INTEGER,
        duration_ms     REAL,
        classes         TEXT,
        result          TEXT
      ) STRICT;
      CREATE INDEX scans_instance_started ON scans (instance, started_at);
      CREATE INDEX scans_instance_status ON scans (instance, status, finished_at);
    `,
    get postgres() {
      // SQLite's rowid, the insertion order that breaks ties between scans of the same millisecond.
      return `${translate(this.sql)}
      ALTER TABLE scans ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;`;
    },
  },
  {
    version: 4,
    name: "audit",
    sql: `
      -- Append-only, hash-chained record of every action attempt (lib/store/audit.ts): an intent row
      -- before anything runs and an outcome row after it (intent_id points back).
      CREATE TABLE audit_log (
        id           INTEGER PRIMARY KEY,
        at           TEXT    NOT NULL,
        kind         TEXT    NOT NULL CHECK (kind IN ('intent', 'outcome')),
        intent_id    INTEGER,
        actor        TEXT    NOT NULL,
        role         TEXT    NOT NULL,
        auth_method  TEXT    NOT NULL,
        source       TEXT    NOT NULL,
        instance     TEXT    NOT NULL,
        action       TEXT    NOT NULL,
        params       TEXT    NOT NULL,
        target_count INTEGER,
        sample       TEXT    NOT NULL,
        reason       TEXT,
        outcome      TEXT,
        affected     INTEGER,
        duration_ms  INTEGER,
        detail       TEXT,
        hash         TEXT    NOT NULL,
        prev_hash    TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_instance ON audit_log (instance, id);
      CREATE INDEX audit_log_intent ON audit_log (intent_id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
    get postgres() {
      const table = translate(this.sql.slice(0, this.sql.indexOf("CREATE TRIGGER")));
      return `${table}
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();`;
    },
  },
  {
    version: 5,
    name: "scans started_by",
    sql: `
      -- Who started a scan (the audit actor); NULL for scheduled scans. Cancelling someone else's
      -- scan needs the cancel-others permission.
      ALTER TABLE scans ADD COLUMN started_by TEXT;
    `,
  },
  {
    version: 6,
    name: "sessions",
    sql: `
      -- Signed-in browser sessions (lib/store/sessions.ts). The sealed cookie carries a random id;
      -- only its SHA-256 is stored. Times are epoch milliseconds. A session is live while it is not
      -- revoked, before expires_at (12 h after sign-in) and within the idle timeout of last_seen.
      CREATE TABLE sessions (
        id_hash       TEXT    PRIMARY KEY,
        username      TEXT    NOT NULL,
        created_at    INTEGER NOT NULL,
        last_seen     INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL,
        revoked_at    INTEGER,
        revoke_reason TEXT
      ) STRICT;
      CREATE INDEX sessions_username ON sessions (username);
      CREATE INDEX sessions_expires_at ON sessions (expires_at);
    `,
  },
  {
    version: 7,
    name: "scans changed since",
    sql: `
      -- What the console's actions changed since a finished scan (JSON: fixed, deleted, at); its
      -- result and classes are then already adjusted (lib/scan/changes.ts). NULL: unchanged.
      ALTER TABLE scans ADD COLUMN changes TEXT;
    `,
  },
  {
    version: 8,
    name: "metrics per node",
    sql: `
      -- The deployment's shape at each sample (JSON: kind, nodes asked and answered, the cluster's
      -- state, the sentinels' master); NULL on rows written before nodes were sampled.
      ALTER TABLE metric_samples ADD COLUMN topology TEXT;
      -- One row per node per sampler attempt, beside the instance's totals in metric_samples: gauges,
      -- raw counters and the deltas since the node's previous sample (each node has its own run_id,
      -- so a restart of one node is a gap for that node only), replication and cluster state.
      CREATE TABLE metric_node_samples (
        instance_id       TEXT    NOT NULL,
        t                 INTEGER NOT NULL,
        node              TEXT    NOT NULL,
        role              TEXT    NOT NULL,
        master            TEXT,
        slots             TEXT    NOT NULL,
        flags             TEXT    NOT NULL,
        reachable         INTEGER NOT NULL,
        error             TEXT,
        run_id            TEXT,
        used_bytes        INTEGER,
        max_bytes         INTEGER,
        connected_clients INTEGER,
        max_clients       INTEGER,
        latency_ms        REAL,
        keys              INTEGER,
        evicted_keys      INTEGER,
        expired_keys      INTEGER,
        keyspace_hits     INTEGER,
        keyspace_misses   INTEGER,
        total_commands    INTEGER,
        delta_ms          INTEGER,
        d_evicted         INTEGER,
        d_expired         INTEGER,
        d_hits            INTEGER,
        d_misses          INTEGER,
        d_commands        INTEGER,
        link_status       TEXT,
        link_down_seconds INTEGER,
        lag_seconds       REAL,
        offset_behind     INTEGER,
        connected_replicas INTEGER,
        cluster_state     TEXT,
        PRIMARY KEY (instance_id, t, node)
      ) STRICT;
      -- Events the sampler saw between two samples (a failover: another master), for the charts.
      CREATE TABLE metric_events (
        instance_id TEXT    NOT NULL,
        t           INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        detail      TEXT    NOT NULL,
        PRIMARY KEY (instance_id, t, kind)
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: "live watch",
    sql: `
      -- Keys the live TTL watch saw written without TTL (or above their pattern's standard), one row
      -- per key; a later done scan supersedes the rows seen before it started. Capped per instance.
      CREATE TABLE watch_findings (
        instance_id TEXT    NOT NULL,
        -- The key's exact bytes, base64 (as the API's keyBase64, so scan lists can be compared in SQL).
        key_b64     TEXT    NOT NULL,
        class       TEXT    NOT NULL,
        ttl         INTEGER,
        pattern     TEXT,
        seen_at     INTEGER NOT NULL,
        event       TEXT    NOT NULL,
        type        TEXT,
        node        TEXT,
        PRIMARY KEY (instance_id, key_b64)
      ) STRICT;
      CREATE INDEX watch_findings_seen ON watch_findings (instance_id, seen_at);
      -- The watch's state per instance, written by the process that runs it (the sampler's lease holder).
      CREATE TABLE watch_status (
        instance_id TEXT    PRIMARY KEY,
        updated_at  INTEGER NOT NULL,
        body        TEXT    NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: "command latency and persistence",
    sql: `
      -- Per command, node and sample interval: percentiles from LATENCY HISTOGRAM deltas (source
      -- histogram), since-start percentiles from INFO latencystats, or the interval's average from INFO
      -- commandstats (servers before 7.0). Microseconds; window_ms NULL = since start. Kept as long as
      -- the raw samples; at most a few dozen commands per node and sample.
      CREATE TABLE command_latency (
        instance_id TEXT    NOT NULL,
        t           INTEGER NOT NULL,
        node        TEXT    NOT NULL,
        command     TEXT    NOT NULL,
        source      TEXT    NOT NULL,
        calls       INTEGER NOT NULL,
        p50_us      REAL,
        p95_us      REAL,
        p99_us      REAL,
        avg_us      REAL,
        window_ms   INTEGER,
        PRIMARY KEY (instance_id, t, node, command)
      ) STRICT;
      -- INFO persistence of the node at the sample and its save schedule (JSON); NULL when unread.
      ALTER TABLE metric_node_samples ADD COLUMN persistence TEXT;
    `,
  },
  {
    version: 11,
    name: "login failures",
    sql: `
      -- Failed sign-ins per key (user name or client address), counted across every console
      -- process that shares the store; rows older than the limit's window are deleted as new ones come.
      CREATE TABLE login_failures (
        key TEXT    NOT NULL,
        t   INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX login_failures_key_t ON login_failures (key, t);
      CREATE INDEX login_failures_t ON login_failures (t);
    `,
  },
  {
    version: 12,
    name: "job control",
    sql: `
      -- Scans and bulk jobs running in some console process: its beat (and a bulk job's progress)
      -- every second, and a cancel requested from any process sharing the store.
      CREATE TABLE job_control (
        id                  TEXT    PRIMARY KEY,
        kind                TEXT    NOT NULL,
        instance_id         TEXT    NOT NULL,
        owner               TEXT    NOT NULL,
        heartbeat_at        INTEGER NOT NULL,
        body                TEXT,
        cancel_requested_by TEXT
      ) STRICT;
      CREATE INDEX job_control_instance ON job_control (kind, instance_id);
    `,
  },
  {
    version: 13,
    name: "sampler processes",
    sql: `
      -- The console processes sampling through this store, each seen at its last sample: how many
      -- share the instances' leases (each takes its fair share).
      CREATE TABLE sampler_processes (
        owner   TEXT    PRIMARY KEY,
        seen_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 14,
    name: "sampler unreachable",
    sql: `
      -- An instance a sampling process could not reach while other processes share the store: it
      -- handed the lease over at \`at\`, and another may take it beyond its fair share.
      CREATE TABLE sampler_unreachable (
        instance_id TEXT    NOT NULL,
        owner       TEXT    NOT NULL,
        at          INTEGER NOT NULL,
        PRIMARY KEY (instance_id, owner)
      ) STRICT;
    `,
  },
];
