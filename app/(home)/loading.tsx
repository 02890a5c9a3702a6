import { InstancesSkeleton } from "@/components/instances/instances-skeleton";

export default function Loading() {
  return <InstancesSkeleton />;
}
