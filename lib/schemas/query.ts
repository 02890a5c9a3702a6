// Query-string parameters the API resources share: whole numbers in decimal digits within bounds,
// SCAN cursors (0..2^64-1) and ISO 8601 times. Stricter than `z.coerce.number()` (which takes
// "1e3", "0x10", " 5", "" as 0 and "1e308") and `Date.parse` (which takes "99999-01-01" and
// "March 7"), so what a client sends is refused with 400 here instead of failing in Redis or the store.
import { z } from "zod";

/** The largest SCAN cursor Redis accepts (an unsigned 64-bit integer). */
export const UINT64_MAX = 2n ** 64n - 1n;

const DIGITS = /^\d+$/;

/** Numbers arrive as text from a URL; a typed caller may pass a number. */
const asText = (v: unknown) => (typeof v === "number" || typeof v === "bigint" ? String(v) : v);

/** A whole number written in decimal digits only, within min..max (safe integers). */
export function intParam(min: number, max: number) {
  return z.preprocess(
    asText,
    z
      .string({ error: "must be a whole number" })
      .regex(DIGITS, "must be a whole number in decimal digits")
      .max(16, `must be at most ${max}`)
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
  );
}

/** True for decimal digits whose value lies within 0..max. */
export function isUintText(text: string, max: bigint): boolean {
  return DIGITS.test(text) && text.length <= 40 && BigInt(text) <= max;
}

/** A SCAN cursor: decimal digits, 0..2^64-1, passed on in canonical form (no leading zeros). */
export const scanCursorSchema = z
  .string({ error: "must be the cursor a previous page returned" })
  .refine(
    (v) => isUintText(v, UINT64_MAX),
    "must be the cursor a previous page returned (decimal digits, 0 to 18446744073709551615)",
  )
  .transform((v) => BigInt(v).toString());

const FIRST_TIME = Date.parse("0000-01-01T00:00:00.000Z");
const LAST_TIME = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * A point in time in ISO 8601: a date (`2026-03-01`, midnight UTC) or a date and time with seconds
 * and a zone (`2026-03-01T09:30:00Z`, `2026-03-01T09:30:00.5+01:00`). Four-digit years, real days.
 */
export const isoTimeSchema = z
  .string({ error: "must be an ISO 8601 time" })
  .refine(
    (v) => z.iso.date().safeParse(v).success || z.iso.datetime({ offset: true }).safeParse(v).success,
    "must be an ISO 8601 time, e.g. 2026-03-01 or 2026-03-01T09:30:00Z",
  )
  .refine((v) => {
    // An offset can carry a four-digit year past 0000 or 9999 in UTC, where toISOString() writes a
    // six-digit year that no longer sorts as text against the stored times.
    const t = Date.parse(v);
    return t >= FIRST_TIME && t <= LAST_TIME;
  }, "must be an ISO 8601 time between the years 0000 and 9999 (UTC)");
