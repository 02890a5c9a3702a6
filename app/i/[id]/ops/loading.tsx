import { OpsSkeleton } from "@/components/ops/ops-skeleton";

export default function Loading() {
  return <OpsSkeleton />;
}
