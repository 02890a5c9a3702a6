import { Badge, type Tone } from "@/components/ui/badge";
import type { KeyListItem } from "@/lib/schemas/keys";

const classes: Record<KeyListItem["class"], { tone: Tone; label: string; title: string }> = {
  ok: { tone: "ok", label: "ok", title: "TTL within the pattern's standard" },
  noTtl: { tone: "bad", label: "no TTL", title: "TTL -1: the key never expires (policy violation)" },
  aboveStandard: {
    tone: "warn",
    label: "above standard",
    title: "TTL longer than the pattern's standard TTL",
  },
  unknownPattern: {
    tone: "warn",
    label: "unknown pattern",
    title: "Under the namespace but matching no policy pattern",
  },
  foreign: { tone: "neutral", label: "foreign", title: "Outside the namespace the instance is dedicated to" },
};

export function ClassBadge({ value }: { value: KeyListItem["class"] }) {
  const c = classes[value];
  return (
    <Badge tone={c.tone}>
      <span title={c.title}>{c.label}</span>
    </Badge>
  );
}

/** Flags beside a key: sensitive values, possible PII in the name. */
export function KeyFlags({ item }: { item: Pick<KeyListItem, "sensitive" | "possiblePii"> }) {
  return (
    <>
      {item.sensitive ? (
        <Badge tone="info">
          <span title="Values under this pattern may describe a person">sensitive</span>
        </Badge>
      ) : null}
      {item.possiblePii ? (
        <Badge tone="warn">
          <span title="The id segment is not hash-shaped: it may be a readable identifier">possible PII</span>
        </Badge>
      ) : null}
    </>
  );
}
