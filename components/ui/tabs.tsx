"use client";
// The ARIA tabs pattern for tab-like controls: one tab stop for the whole row (roving tabindex),
// Left/Right move and select (wrapping), Home/End jump to the ends; each tab controls one panel.

import { useRef, type KeyboardEvent, type ReactNode } from "react";
import { cn } from "./cn";

/** The DOM ids of a tab and of its panel, so another control can focus the tab. */
export function tabId(idBase: string, value: string): string {
  return `${idBase}-tab-${value}`;
}

export function tabPanelId(idBase: string): string {
  return `${idBase}-panel`;
}

export function TabList<T extends string>({
  label,
  idBase,
  values,
  value,
  onChange,
  renderTab,
  className,
  tabClassName,
}: {
  label: string;
  /** Prefix of the tab and panel ids; unique on the page. */
  idBase: string;
  values: readonly T[];
  value: T;
  onChange: (value: T) => void;
  renderTab: (value: T) => ReactNode;
  className?: string;
  tabClassName?: (selected: boolean) => string;
}) {
  const list = useRef<HTMLDivElement>(null);

  function onKeyDown(e: KeyboardEvent<HTMLButtonElement>) {
    const at = values.indexOf(value);
    const last = values.length - 1;
    const to =
      e.key === "ArrowRight"
        ? at === last
          ? 0
          : at + 1
        : e.key === "ArrowLeft"
          ? at <= 0
            ? last
            : at - 1
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? last
              : null;
    const next = to === null ? undefined : values[to];
    if (next === undefined) return;
    e.preventDefault();
    onChange(next);
    list.current?.querySelector<HTMLElement>(`#${CSS.escape(tabId(idBase, next))}`)?.focus();
  }

  return (
    <div ref={list} role="tablist" aria-label={label} className={className}>
      {values.map((v) => {
        const selected = v === value;
        return (
          <button
            key={v}
            id={tabId(idBase, v)}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={tabPanelId(idBase)}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(v)}
            onKeyDown={onKeyDown}
            className={tabClassName?.(selected)}
          >
            {renderTab(v)}
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
