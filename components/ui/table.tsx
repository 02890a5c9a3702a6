// The list table every page uses: bordered and, on narrow screens, scrolling sideways inside its
// frame (with a hint and an edge shadow, never widening the page), a muted header band, and one
// centred row when there is nothing to list.
import type { ReactNode, TableHTMLAttributes, ThHTMLAttributes } from "react";
import { cn } from "./cn";
import { ScrollX } from "./scroll-x";

export function Table({ className, children, ...rest }: TableHTMLAttributes<HTMLTableElement>) {
  return (
    <ScrollX label={rest["aria-label"] ?? "Table"} className="border-line rounded border">
      <table className={cn("w-full border-collapse text-sm", className)} {...rest}>
        {children}
      </table>
    </ScrollX>
  );
}

/** The header row; its cells are `Th`. */
export function TableHead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-sunken text-muted text-left text-xs">
      <tr>{children}</tr>
    </thead>
  );
}

export function Th({ className, ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th className={cn("px-2 py-1.5 font-medium", className)} {...rest} />;
}

/** The row a table shows when it has none: `colSpan` is the number of columns. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="text-muted px-2 py-3 text-center">
        {children}
      </td>
    </tr>
  );
}
