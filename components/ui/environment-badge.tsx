import type { Environment } from "@/lib/policy/types";
import { Badge, type Tone } from "./badge";

const toneFor: Record<Environment, Tone> = { production: "bad", staging: "warn", development: "info" };

/** Production is red on every page, so no one mistakes it for staging. */
export function EnvironmentBadge({ environment }: { environment: Environment }) {
  return (
    <Badge tone={toneFor[environment]} className={environment === "production" ? "font-bold uppercase" : undefined}>
      {environment}
    </Badge>
  );
}
