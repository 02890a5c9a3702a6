import { Coming } from "@/components/ui/coming";

export default function TtlPage() {
  return <Coming title="TTL compliance" what="keys without TTL, above standard, unknown pattern and possible PII from the latest scan (issue 4)." />;
}
