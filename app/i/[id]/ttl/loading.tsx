import { TtlSkeleton } from "@/components/ttl/ttl-skeleton";

export default function Loading() {
  return <TtlSkeleton />;
}
