import type { ReactNode } from "react";
import { cn } from "./cn";

export function Card({ children, className, ...rest }: { children: ReactNode; className?: string } & React.HTMLAttributes<HTMLElement>) {
  return (
    <section className={cn("rounded-md border border-line bg-panel p-4 shadow-sm", className)} {...rest}>
      {children}
    </section>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="tabular truncate text-base font-semibold">{value}</dd>
      {hint ? <dd className="tabular text-muted text-xs break-words">{hint}</dd> : null}
    </div>
  );
}
