import { Skeleton } from "@/components/ui/skeleton";
import { KeyListSkeleton } from "./key-list";

export function TtlSkeleton() {
  return (
    <div className="space-y-3" aria-label="Loading TTL compliance">
      <Skeleton className="h-20 w-full" />
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-20" />
        ))}
      </div>
      <Skeleton className="h-40 w-full" />
      <KeyListSkeleton />
    </div>
  );
}
