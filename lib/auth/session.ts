// The session cookie: the user name and two times, sealed with AES-256-GCM (authenticated
// encryption, so it is both secret and tamper-proof) under a key derived from SESSION_SECRET.
// Idle timeout with sliding renewal: every request more than RENEW_AFTER_MS after the last seal
// gets a fresh cookie; a cookie unused for the idle time is dead. An absolute lifetime caps it.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { z } from "zod";

export const SESSION_COOKIE = "isl_session";
/** A session ends this long after sign-in however active it is. */
export const SESSION_MAX_AGE_MS = 12 * 3_600_000;
/** Re-seal at most once a minute, so a page's burst of API calls sets one cookie. */
export const RENEW_AFTER_MS = 60_000;

const VERSION = 1;

const payloadSchema = z.object({
  v: z.literal(VERSION),
  /** username */
  u: z.string().min(1),
  /** signed in at (ms) */
  iat: z.number(),
  /** last sealed at (ms): the idle clock */
  seen: z.number(),
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

export function sealSession(payload: Omit<SessionPayload, "v">, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(secret), iv);
  const body = Buffer.concat([
    cipher.update(JSON.stringify({ v: VERSION, ...payload }), "utf8"),
    cipher.final(),
  ]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** The payload of a cookie sealed with this secret and still within its idle and absolute limits. */
export function openSession(
  value: string | undefined,
  secret: string,
  now: number,
  idleMs: number,
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
    if (p.seen > now + 60_000 || now - p.seen > idleMs || now - p.iat > SESSION_MAX_AGE_MS) return undefined;
    return p;
  } catch {
    return undefined;
  }
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
