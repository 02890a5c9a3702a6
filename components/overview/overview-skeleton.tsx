import { Skeleton } from "@/components/ui/skeleton";

export function ChartsSkeleton() {
  return (
    <div className="grid gap-2 md:grid-cols-2 xl:grid-cols-3" aria-busy="true" aria-label="Loading charts">
      {[0, 1, 2, 3, 4, 5].map((i) => (
        <Skeleton key={i} className="h-[178px]" />
      ))}
    </div>
  );
}

export function OverviewSkeleton() {
  return (
    <div className="space-y-3" aria-busy="true" aria-label="Loading overview">
      <Skeleton className="h-10" />
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-4 xl:grid-cols-7">
        {[0, 1, 2, 3, 4, 5, 6].map((i) => (
          <Skeleton key={i} className="h-[74px]" />
        ))}
      </div>
      <ChartsSkeleton />
    </div>
  );
}
