import { Badge, type Tone } from "@/components/ui/badge";
import type { ConfigCheckView } from "@/lib/schemas/ops";

const look: Record<ConfigCheckView["status"], { tone: Tone; word: string }> = {
  pass: { tone: "ok", word: "pass" },
  fail: { tone: "bad", word: "fail" },
  unknown: { tone: "neutral", word: "unknown" },
};

/** A check's status: colour and word. */
export function CheckStatusBadge({ status }: { status: ConfigCheckView["status"] }) {
  const { tone, word } = look[status];
  return (
    <Badge tone={tone} data-status={status}>
      {word}
    </Badge>
  );
}
