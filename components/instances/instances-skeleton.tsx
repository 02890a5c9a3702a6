import { Skeleton } from "@/components/ui/skeleton";

export function InstancesSkeleton() {
  return (
    <div className="grid gap-3 lg:grid-cols-2" aria-busy="true" aria-label="Loading instances">
      {[0, 1].map((i) => (
        <Skeleton key={i} className="h-36" />
      ))}
    </div>
  );
}
