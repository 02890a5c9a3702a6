// The audit log as CSV (the /audit page's export and GET /api/audit?format=csv). Pure.
import type { AuditEntry } from "@/lib/schemas/audit";
import { canonicalJson } from "./canonical";

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

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet does not run it as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? canonicalJson(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value !== "number") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsv(entries: AuditEntry[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(",")];
  for (const e of entries) lines.push(AUDIT_CSV_COLUMNS.map((c) => csvCell(e[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
