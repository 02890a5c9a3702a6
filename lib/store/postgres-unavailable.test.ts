// Which PostgreSQL failures mean "the store cannot be reached" (503, tried again) and which are a
// statement the database refused (left as they are). The real outages are in
// tests/integration/postgres-store.test.ts; this pins the list.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "./db";
import { isConnectionFailure } from "./postgres";

function serverError(code: string, message = "from the server"): pg.DatabaseError {
  const err = new pg.DatabaseError(message, message.length, "error");
  err.code = code;
  return err;
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });
}

describe("isConnectionFailure", () => {
  it.each([
    ["08000 connection_exception", serverError("08000")],
    ["08003 connection_does_not_exist", serverError("08003")],
    ["08006 connection_failure", serverError("08006")],
    ["08P01 protocol_violation", serverError("08P01")],
    ["57P01 admin_shutdown", serverError("57P01", "terminating connection due to administrator command")],
    ["57P02 crash_shutdown", serverError("57P02")],
    ["57P03 cannot_connect_now", serverError("57P03", "the database system is starting up")],
    ["53300 too_many_connections", serverError("53300", "sorry, too many clients already")],
    ["ECONNREFUSED", socketError("ECONNREFUSED")],
    ["ECONNRESET", socketError("ECONNRESET")],
    ["ENOTFOUND", socketError("ENOTFOUND")],
    ["ETIMEDOUT", socketError("ETIMEDOUT")],
    ["every address refused", new AggregateError([socketError("ECONNREFUSED"), socketError("ECONNREFUSED")])],
    ["the connection ended", new Error("Connection terminated unexpectedly")],
    ["the pool's connect timeout", new Error("timeout exceeded when trying to connect")],
    ["the connect timeout", new Error("Connection terminated due to connection timeout")],
    ["query_timeout", new Error("Query read timeout")],
    ["a client already broken", new Error("Client has encountered a connection error and is not queryable")],
    ["already classified", new StoreUnavailableError("DATABASE_URL: cannot connect to postgres://db/isl: x")],
  ])("%s: the store is unavailable", (_name, err) => {
    expect(isConnectionFailure(err)).toBe(true);
  });

  it.each([
    ["23505 unique_violation", serverError("23505", "duplicate key value violates unique constraint")],
    ["42601 syntax_error", serverError("42601", 'syntax error at or near "SELEC"')],
    ["42P01 undefined_table", serverError("42P01", 'relation "nope" does not exist')],
    [
      "57014 query_canceled (statement_timeout)",
      serverError("57014", "canceling statement due to statement timeout"),
    ],
    ["40P01 deadlock_detected", serverError("40P01")],
    ["a bug", new TypeError("cannot read properties of undefined")],
    ["not an Error", "ECONNREFUSED"],
  ])("%s: a refused statement, not an outage", (_name, err) => {
    expect(isConnectionFailure(err)).toBe(false);
  });
});
