"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const tabs = [
  { path: "", label: "Overview" },
  { path: "/keys", label: "Keys" },
  { path: "/ttl", label: "TTL" },
  { path: "/review", label: "Review" },
  { path: "/ops", label: "Ops" },
  { path: "/cache-key", label: "Cache key" },
];

/** Wraps onto a second line on a narrow screen (390 px) rather than scrolling the page sideways. */
export function InstanceTabs({ id }: { id: string }) {
  const pathname = usePathname();
  const base = `/i/${encodeURIComponent(id)}`;
  return (
    <nav aria-label="Instance pages" className="border-line flex flex-wrap gap-x-1 border-b">
      {tabs.map((t) => {
        const href = `${base}${t.path}`;
        const active = t.path === "" ? pathname === base : pathname.startsWith(href);
        return (
          <Link
            key={t.path}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "text-muted hover:text-fg -mb-px border-b-2 border-transparent px-2 py-2 sm:px-3",
              active && "border-accent text-fg",
            )}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
