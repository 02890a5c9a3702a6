import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { KeyTableSkeleton } from "./key-table";

export function KeysSkeleton() {
  return (
    <div
      className="grid gap-4 lg:grid-cols-[15rem_minmax(0,1fr)] xl:grid-cols-[15rem_minmax(0,1.4fr)_minmax(0,1fr)]"
      aria-busy
    >
      <Card className="space-y-1.5 p-2">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-5 w-full" />
        ))}
      </Card>
      <div className="space-y-3">
        <Skeleton className="h-8 w-full" />
        <KeyTableSkeleton />
      </div>
    </div>
  );
}
