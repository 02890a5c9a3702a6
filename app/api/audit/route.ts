import { auditCsv } from "@/lib/audit/csv";
import { parseQuery, route, methods } from "@/lib/http/route";
import { auditQuerySchema, type AuditResponse } from "@/lib/schemas/audit";
import { getStore } from "@/lib/store";
import { listAuditEntries } from "@/lib/store/audit";

/** Audit entries newest first, filtered; `format=csv` downloads them as CSV. */
const get = route({ access: "read" }, async (req): Promise<AuditResponse | Response> => {
  const { format, ...query } = parseQuery(req, auditQuerySchema);
  const entries = await listAuditEntries(getStore(), query);
  if (format === "csv") {
    return new Response(auditCsv(entries), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  return { entries };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
