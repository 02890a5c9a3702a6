import { connection } from "next/server";
import { Suspense } from "react";
import { AuditClient } from "@/components/audit/audit-client";
import { AuditSkeleton } from "@/components/audit/audit-table";
import { getConfig } from "@/lib/config";
import { AUDIT_PAGE } from "@/lib/schemas/audit";
import { getStore } from "@/lib/store";
import { auditActionNames, listAuditEntries } from "@/lib/store/audit";

export default async function AuditPage() {
  await connection();
  const db = getStore();
  const initial = { entries: await listAuditEntries(db, { limit: AUDIT_PAGE }) };
  const actions = await auditActionNames(db);
  return (
    <Suspense fallback={<AuditSkeleton />}>
      <AuditClient
        instances={getConfig().instances.map((i) => i.id)}
        actions={actions}
        initial={initial}
        patterns={getConfig().policy.patterns.map((p) => ({ name: p.name, keyPrefix: p.keyPrefix }))}
      />
    </Suspense>
  );
}
