// The audit log as CSV (the /audit page's export and GET /api/audit?format=csv), and the CSV cell
// every export writes. Pure.
import type { AuditEntry } from "@/lib/schemas/audit";
import { canonicalJson } from "@/lib/store/audit-chain";

export const AUDIT_CSV_COLUMNS = [
  "id",
  "at",
  "kind",
  "intentId",
  "actor",
  "role",
  "authMethod",
  "source",
  "instance",
  "action",
  "params",
  "targetCount",
  "sample",
  "reason",
  "outcome",
  "affected",
  "durationMs",
  "detail",
  "hash",
  "prevHash",
] as const;

/**
 * One CSV cell, for every export (the audit log, the weekly review). RFC 4180 quoting, also around
 * leading or trailing spaces (spreadsheets drop them); text starting with = + - @, a tab or a
 * carriage return is prefixed with ' so a spreadsheet does not run it as a formula. Numbers stay
 * numbers (a negative one is no formula); a non-finite one, null and undefined are empty; objects
 * are canonical JSON.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const raw = typeof value === "object" ? canonicalJson(value) : String(value);
  const text = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsv(entries: AuditEntry[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(",")];
  for (const e of entries) lines.push(AUDIT_CSV_COLUMNS.map((c) => csvCell(e[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
