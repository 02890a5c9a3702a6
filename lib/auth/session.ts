// Browser sessions. Each sign-in is a row in the store (lib/store/sessions.ts) keyed by the SHA-256
// of a random 32-byte id; the cookie carries that id, the user name and the sign-in time, sealed
// with AES-256-GCM (authenticated encryption, so it is both secret and tamper-proof) under a key
// derived from SESSION_SECRET. The store is the authority: a session is live while its row exists,
// is not revoked (sign-out, user removed), is within the idle timeout of its last use and within
// 12 h of sign-in. Sliding renewal: a request more than RENEW_AFTER_MS after the last renewal moves
// the row's last use (one write a minute at most) and sends the cookie again with a fresh Max-Age.
import "server-only";
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/store/db";
import {
  findSession,
  insertSession,
  pruneSessions,
  revokeSession,
  revokeSessionsOfOtherUsers,
  touchSession,
} from "@/lib/store/sessions";

export const SESSION_COOKIE = "isl_session";
/** A session ends this long after sign-in however active it is. */
export const SESSION_MAX_AGE_MS = 12 * 3_600_000;
/** Renew at most once a minute, so a page's burst of API calls writes the store (and sets the cookie) once. */
export const RENEW_AFTER_MS = 60_000;

/** Version 1 carried no session id (nothing could revoke it): such cookies are refused. */
const VERSION = 2;

const payloadSchema = z.object({
  v: z.literal(VERSION),
  /** the session id: 32 random bytes, base64url */
  sid: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** username */
  u: z.string().min(1),
  /** signed in at (ms) */
  iat: z.number(),
});
export type SessionPayload = z.infer<typeof payloadSchema>;

const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "isl-redis-console", "session cookie v1 aes-256-gcm", 32));
    keys.set(secret, key);
  }
  return key;
}

/** A fresh session id: 32 random bytes, base64url (43 characters). */
export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/** What the store keeps instead of the id (hex SHA-256). */
export function sessionIdHash(sid: string): string {
  return createHash("sha256").update(sid, "utf8").digest("hex");
}

export function sealSession(payload: Omit<SessionPayload, "v">, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(secret), iv);
  const body = Buffer.concat([
    cipher.update(JSON.stringify({ v: VERSION, ...payload }), "utf8"),
    cipher.final(),
  ]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/**
 * The payload of a current-version cookie sealed with this secret, signed in less than 12 h ago;
 * undefined otherwise. Whether the session is still live is the store's answer (resumeSession).
 */
export function openSession(
  value: string | undefined,
  secret: string,
  now: number,
): SessionPayload | undefined {
  if (!value || value.length > 4096) return undefined;
  const raw = Buffer.from(value, "base64url");
  if (raw.length < 12 + 16 + 1) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const text = Buffer.concat([
      decipher.update(raw.subarray(12, raw.length - 16)),
      decipher.final(),
    ]).toString("utf8");
    const parsed = payloadSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    const p = parsed.data;
    if (p.iat > now + 60_000 || now - p.iat >= SESSION_MAX_AGE_MS) return undefined;
    return p;
  } catch {
    return undefined;
  }
}

/**
 * Signs a user in on the server: a new row in the store (and the rows that can never authenticate
 * again deleted, so a long-running console keeps the table small); answers the sealed cookie value.
 */
export async function startSession(
  db: Db,
  username: string,
  secret: string,
  now: number,
  idleMs: number,
): Promise<string> {
  const sid = newSessionId();
  await db.transaction(async (tx) => {
    await pruneSessions(tx, now, idleMs);
    await insertSession(tx, {
      idHash: sessionIdHash(sid),
      username,
      createdAt: now,
      expiresAt: now + SESSION_MAX_AGE_MS,
    });
  });
  return sealSession({ sid, u: username, iat: now }, secret);
}

export type SessionCheck =
  | { live: true; username: string; /** the idle clock moved: send the cookie again */ renewed: boolean }
  | { live: false; reason: "unknown" | "revoked" | "expired" | "idle" };

/**
 * Whether the session a cookie names is live in the store, renewing its idle clock when the last
 * renewal is RENEW_AFTER_MS old. Throws when the store cannot be read: callers refuse the session.
 */
export async function resumeSession(
  db: Db,
  payload: SessionPayload,
  now: number,
  idleMs: number,
): Promise<SessionCheck> {
  const row = await findSession(db, sessionIdHash(payload.sid));
  if (!row || row.username !== payload.u) return { live: false, reason: "unknown" };
  if (row.revokedAt !== null) return { live: false, reason: "revoked" };
  if (now >= row.expiresAt) return { live: false, reason: "expired" };
  if (now - row.lastSeen > idleMs) return { live: false, reason: "idle" };
  const renewed =
    now - row.lastSeen >= RENEW_AFTER_MS && (await touchSession(db, row.idHash, now, RENEW_AFTER_MS));
  return { live: true, username: row.username, renewed };
}

/** Signs out on the server: revokes the session; true when it was live until now. */
export async function endSession(db: Db, payload: SessionPayload, now: number): Promise<boolean> {
  return revokeSession(db, sessionIdHash(payload.sid), now, "signed_out");
}

/**
 * At start-up: revokes the sessions of users no longer in the users file, then deletes every row
 * that can never authenticate again (revoked, past 12 h, idle too long), so the table stays bounded.
 */
export async function reconcileSessions(
  db: Db,
  usernames: readonly string[],
  now: number,
  idleMs: number,
): Promise<{ revoked: number; pruned: number }> {
  return db.transaction(async (tx) => {
    const revoked = await revokeSessionsOfOtherUsers(tx, usernames, now, "user_removed");
    const pruned = await pruneSessions(tx, now, idleMs);
    return { revoked, pruned };
  });
}

export interface CookieOptions {
  secure: boolean;
}

/** Set-Cookie value for a sealed session; Max-Age follows the idle timeout. */
export function sessionCookie(value: string, idleMs: number, { secure }: CookieOptions): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.floor(idleMs / 1000)}`,
  ];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearedSessionCookie({ secure }: CookieOptions): string {
  const parts = [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=0"];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}
