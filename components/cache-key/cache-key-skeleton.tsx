import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

export function CacheKeySkeleton() {
  return (
    <div className="space-y-4" aria-busy aria-label="Loading the cache-key calculator">
      <Card className="space-y-2">
        <Skeleton className="h-5 w-48" />
        <Skeleton className="h-40 w-full" />
        <Skeleton className="h-8 w-64" />
      </Card>
    </div>
  );
}
