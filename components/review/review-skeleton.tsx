import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

export function ReviewSkeleton() {
  return (
    <div className="space-y-4" aria-busy aria-label="Loading the review">
      <Card className="space-y-2">
        <Skeleton className="h-5 w-64" />
        <Skeleton className="h-10 w-full" />
      </Card>
      <Card className="space-y-1.5">
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} className="h-8 w-full" />
        ))}
      </Card>
      <Card className="grid gap-4 md:grid-cols-2">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-40 w-full" />
        ))}
      </Card>
    </div>
  );
}
