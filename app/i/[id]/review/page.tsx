import { Coming } from "@/components/ui/coming";

export default function ReviewPage() {
  return <Coming title="Weekly review" what="per-pattern counts, sizes, TTL histograms, biggest keys and capacity projection (issue 4)." />;
}
