// Keys per class from the latest scan. A tile is a mouse shortcut to its list below, not a tab stop
// of its own: the list tabs are the one keyboard control, and a click moves focus to its tab.
import { Badge, type Tone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { tabId } from "@/components/ui/segmented";
import { formatCount } from "@/lib/format";
import type { ScanClasses, ScanListName } from "@/lib/schemas/scans";

/** Id prefix of the list tabs in key-list.tsx: a tile click moves focus to its tab. */
export const KEY_LIST_TABS = "ttl-list";

export const listLabels: Record<ScanListName, { label: string; tone: Tone; what: string }> = {
  noTtl: { label: "no TTL", tone: "bad", what: "TTL -1: the key never expires (a bug, says the policy)" },
  aboveStandard: {
    label: "above standard",
    tone: "warn",
    what: "TTL longer than the pattern's standard TTL",
  },
  unknownPattern: {
    label: "unknown pattern",
    tone: "warn",
    what: "under the namespace but matching no pattern",
  },
  foreign: { label: "foreign", tone: "neutral", what: "outside the namespace the instance is dedicated to" },
  possiblePii: {
    label: "possible PII",
    tone: "warn",
    what: "id segment not hash-shaped: may be a readable identifier",
  },
  unknown: {
    label: "unknown",
    tone: "bad",
    what: "could not be read (the console's Redis user may not touch them): their TTL is not known",
  },
};

export function ClassCounts({
  classes,
  unknown = 0,
  selected,
  onSelect,
}: {
  classes: ScanClasses;
  /** Keys the scan could not read; their tile shows only when there are some. */
  unknown?: number;
  selected: ScanListName;
  onSelect: (list: ScanListName) => void;
}) {
  return (
    <div
      className={cn(
        "grid grid-cols-2 gap-2 sm:grid-cols-3",
        unknown > 0 ? "lg:grid-cols-7" : "lg:grid-cols-6",
      )}
    >
      <div className="border-line bg-panel rounded-md border p-3">
        <div className="text-muted text-xs">ok</div>
        <div className="tabular text-xl font-semibold">{formatCount(classes.ok)}</div>
        <Badge tone="ok">ok</Badge>
      </div>
      {(Object.keys(listLabels) as ScanListName[]).map((name) => {
        const { label, tone, what } = listLabels[name];
        const count = name === "unknown" ? unknown : classes[name];
        if (name === "unknown" && count === 0) return null;
        return (
          <div
            key={name}
            title={what}
            onClick={() => {
              onSelect(name);
              document.getElementById(tabId(KEY_LIST_TABS, name))?.focus();
            }}
            data-testid={`class-${name}`}
            className={cn(
              "border-line bg-panel hover:bg-sunken cursor-pointer rounded-md border p-3 text-left",
              selected === name && "ring-accent ring-2",
            )}
          >
            <div className="text-muted text-xs">{label}</div>
            <div className={cn("tabular text-xl font-semibold", count > 0 && tone === "bad" && "text-bad")}>
              {formatCount(count)}
            </div>
            <Badge tone={count > 0 ? tone : "ok"}>
              {count > 0 ? (name === "unknown" ? "unread" : tone === "bad" ? "violation" : "check") : "none"}
            </Badge>
          </div>
        );
      })}
    </div>
  );
}
