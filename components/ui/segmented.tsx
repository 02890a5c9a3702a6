"use client";
// A row of mutually exclusive choices, in one of two ARIA patterns:
// - toggle buttons (a "group", `aria-pressed` on the chosen one, one tab stop each) for a setting
//   that changes a view in place, such as a chart's range: a few buttons need no arrow keys;
// - tabs (`tabs={{ idBase }}`) for choices that each show a panel: one tab stop for the whole row
//   (roving tabindex), Left/Right move and select (wrapping), Home/End jump to the ends.
// Toggles sit joined in one frame; tabs, often many and carrying counts, wrap as separate chips.

import { useRef, type KeyboardEvent, type ReactNode } from "react";
import { cn } from "./cn";
import { tabKeyTarget } from "./tab-keys";

/** The DOM ids of a tab and of its panel, so another control can focus the tab. */
export function tabId(idBase: string, value: string): string {
  return `${idBase}-tab-${value}`;
}

export function tabPanelId(idBase: string): string {
  return `${idBase}-panel`;
}

export interface SegmentedOption<T> {
  value: T;
  label: ReactNode;
}

export function Segmented<T extends string | number>({
  label,
  options,
  value,
  onChange,
  tabs,
}: {
  /** The accessible name of the row. */
  label: string;
  options: readonly SegmentedOption<T>[];
  value: T;
  onChange: (value: T) => void;
  /** Tabs controlling the panel of `idBase` (a prefix unique on the page); without it, toggle buttons. */
  tabs?: { idBase: string };
}) {
  const list = useRef<HTMLDivElement>(null);

  function onKeyDown(e: KeyboardEvent<HTMLButtonElement>) {
    if (!tabs) return;
    const at = options.findIndex((o) => o.value === value);
    const to = tabKeyTarget(e.key, at, options.length);
    const next = to === null ? undefined : options[to];
    if (next === undefined) return;
    e.preventDefault();
    onChange(next.value);
    list.current
      ?.querySelector<HTMLElement>(`#${CSS.escape(tabId(tabs.idBase, String(next.value)))}`)
      ?.focus();
  }

  return (
    <div
      ref={list}
      role={tabs ? "tablist" : "group"}
      aria-label={label}
      className={tabs ? "flex flex-wrap gap-1" : "border-line inline-flex overflow-hidden rounded border"}
    >
      {options.map((o) => {
        const selected = o.value === value;
        const pattern = tabs
          ? {
              id: tabId(tabs.idBase, String(o.value)),
              role: "tab",
              "aria-selected": selected,
              "aria-controls": tabPanelId(tabs.idBase),
              tabIndex: selected ? 0 : -1,
              onKeyDown,
            }
          : { "aria-pressed": selected };
        return (
          <button
            key={String(o.value)}
            type="button"
            {...pattern}
            onClick={() => onChange(o.value)}
            className={
              tabs
                ? cn(
                    "border-line rounded border px-2 py-1 text-sm",
                    selected ? "bg-accent border-accent text-panel" : "hover:bg-sunken",
                  )
                : cn(
                    "tabular px-2.5 py-1 text-xs",
                    selected ? "bg-accent text-panel" : "bg-panel text-muted hover:bg-sunken",
                  )
            }
          >
            {o.label}
          </button>
        );
      })}
    </div>
  );
}

/** The panel the selected tab shows; named by that tab. */
export function TabPanel({
  idBase,
  value,
  className,
  children,
}: {
  idBase: string;
  value: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div
      role="tabpanel"
      id={tabPanelId(idBase)}
      aria-labelledby={tabId(idBase, value)}
      className={cn(className)}
    >
      {children}
    </div>
  );
}
