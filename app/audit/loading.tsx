import { AuditSkeleton } from "@/components/audit/audit-table";

export default function Loading() {
  return <AuditSkeleton />;
}
