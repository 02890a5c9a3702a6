"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import { UserMenu } from "@/components/auth/user-menu";
import { ThemeToggle } from "./theme-toggle";

const links = [
  { href: "/", label: "Instances" },
  { href: "/audit", label: "Audit log" },
];

export function TopNav() {
  const pathname = usePathname();
  return (
    <header className="border-line bg-panel border-b">
      {/* Wraps rather than overflows: at phone width the user menu and theme button take a second row. */}
      <nav
        aria-label="Main"
        className="mx-auto flex min-h-11 max-w-[1400px] flex-wrap items-center gap-x-4 gap-y-1 px-4 py-1.5"
      >
        <Link href="/" className="font-semibold tracking-tight">
          ISL Redis Console
        </Link>
        {/* Signed out, the sign-in page offers nothing else to go to. */}
        <ul className={cn("flex items-center gap-1", pathname === "/login" && "hidden")}>
          {links.map((l) => {
            const active = l.href === "/" ? pathname === "/" : pathname.startsWith(l.href);
            return (
              <li key={l.href}>
                <Link
                  href={l.href}
                  aria-current={active ? "page" : undefined}
                  className={cn("text-muted hover:text-fg rounded px-2 py-1", active && "bg-sunken text-fg")}
                >
                  {l.label}
                </Link>
              </li>
            );
          })}
        </ul>
        <div className="ml-auto flex min-w-0 items-center gap-3">
          <UserMenu />
          <ThemeToggle />
        </div>
      </nav>
    </header>
  );
}
