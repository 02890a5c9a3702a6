// PostgreSQL for tests and benchmarks: a fresh database on the server at STORE_TEST_POSTGRES_URL
// (default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards, and plain connections
// outside the store. No console module is imported here, so the e2e runner (which cannot load
// server-only modules) uses it too.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests create their databases on (its `postgres` database: the admin connection). */
export const POSTGRES_ADMIN_URL =
  process.env.STORE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * Runs `fn` with a plain connection to `url`, outside the store (a test reading or altering what
 * the store's API would not), and closes it.
 */
export async function withPostgresClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `store tests need PostgreSQL at ${url} (STORE_TEST_POSTGRES_URL): ${(err as Error).message}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPostgresClient(POSTGRES_ADMIN_URL, fn);
}

/** A fresh, empty PostgreSQL database; answers its URL and a function that drops it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `isl_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

