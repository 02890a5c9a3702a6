// Numbered schema migrations, applied in order at start-up inside one transaction each.
// Append only: a released migration is never edited; a change is a new number.

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
  },
];
