// The list table every page uses: bordered and scrolling sideways on narrow screens, a muted header
// band, and one centred row when there is nothing to list.
import type { ReactNode, TableHTMLAttributes, ThHTMLAttributes } from "react";
import { cn } from "./cn";

export function Table({ className, children, ...rest }: TableHTMLAttributes<HTMLTableElement>) {
  return (
    <div className="border-line overflow-x-auto rounded border">
      <table className={cn("w-full border-collapse text-sm", className)} {...rest}>
        {children}
      </table>
    </div>
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
