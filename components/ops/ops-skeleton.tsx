import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

export function ChecklistSkeleton() {
  return (
    <Card className="space-y-1.5">
      <Skeleton className="h-5 w-48" />
      {Array.from({ length: 7 }, (_, i) => (
        <Skeleton key={i} className="h-8 w-full" />
      ))}
    </Card>
  );
}

export function OpsSkeleton() {
  return (
    <div className="space-y-4" aria-busy aria-label="Loading the ops page">
      <ChecklistSkeleton />
      <Card>
        <Skeleton className="h-56 w-full" />
      </Card>
      <Card className="space-y-1.5">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-8 w-full" />
        ))}
      </Card>
    </div>
  );
}
