import { Coming } from "@/components/ui/coming";

export default function AuditPage() {
  return <Coming title="Audit log" what="every action, allowed or denied, chained by hash (issue 6)." />;
}
