import { Coming } from "@/components/ui/coming";

export default function OpsPage() {
  return <Coming title="Ops" what="config compliance, slow log, clients and latency (issue 7)." />;
}
