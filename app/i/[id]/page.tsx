import { Coming } from "@/components/ui/coming";

export default function OverviewPage() {
  return <Coming title="Overview" what="memory, evictions, hit rate, clients, latency and alerts with runbooks (issue 3)." />;
}
