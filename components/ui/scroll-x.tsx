"use client";
// A box that scrolls sideways inside itself, never widening the page, and says so: while its
// content is wider than it, a "scroll →" hint shows above it and a shadow marks the clipped edge.
// Scrollable, it is a focusable named region, so a keyboard user can scroll it with the arrows.

import { useEffect, useRef, useState, type ReactNode } from "react";
import { cn } from "./cn";

interface Overflow {
  /** The content is wider than the box. */
  wide: boolean;
  /** Columns are hidden to the left / to the right. */
  left: boolean;
  right: boolean;
}

const none: Overflow = { wide: false, left: false, right: false };

export function ScrollX({
  label,
  className,
  children,
  "data-testid": testId,
}: {
  /** Names the region a keyboard user lands on when the content scrolls. */
  label: string;
  /** Classes for the visible frame (border, radius, background). */
  className?: string;
  children: ReactNode;
  "data-testid"?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [overflow, setOverflow] = useState<Overflow>(none);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const wide = el.scrollWidth > el.clientWidth + 1;
      const next = {
        wide,
        left: wide && el.scrollLeft > 1,
        right: wide && el.scrollLeft + el.clientWidth < el.scrollWidth - 1,
      };
      setOverflow((prev) =>
        prev.wide === next.wide && prev.left === next.left && prev.right === next.right ? prev : next,
      );
    };
    update();
    // The content grows when its rows load: watch it as well as the box.
    const observer = new ResizeObserver(update);
    observer.observe(el);
    for (const child of Array.from(el.children)) observer.observe(child);
    el.addEventListener("scroll", update, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener("scroll", update);
    };
  }, []);

  return (
    <div className="min-w-0" data-testid={testId}>
      {overflow.wide ? (
        <p className="text-muted mb-1 text-right text-xs" aria-hidden="true" data-testid="scroll-hint">
          scroll →
        </p>
      ) : null}
      <div className={cn("relative min-w-0", className)}>
        <div
          ref={ref}
          className="overflow-x-auto"
          {...(overflow.wide
            ? { tabIndex: 0, role: "region", "aria-label": `${label} (scrolls sideways)` }
            : {})}
        >
          {children}
        </div>
        {overflow.left ? (
          <div
            aria-hidden="true"
            className="pointer-events-none absolute inset-y-0 left-0 w-5 bg-gradient-to-r from-black/20 to-transparent dark:from-black/60"
          />
        ) : null}
        {overflow.right ? (
          <div
            aria-hidden="true"
            className="pointer-events-none absolute inset-y-0 right-0 w-5 bg-gradient-to-l from-black/20 to-transparent dark:from-black/60"
          />
        ) : null}
      </div>
    </div>
  );
}
