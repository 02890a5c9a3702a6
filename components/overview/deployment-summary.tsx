// One line above the tiles of a cluster or sentinel deployment: what the figures are (totals over
// how many nodes, which ones did not answer), the cluster's state, or the sentinels' master, its
// replicas, the number of sentinels and the last failover. Nothing for a standalone instance.
import { Badge } from "@/components/ui/badge";
import type { Overview } from "@/lib/schemas/overview";
import { clockUtc } from "./time";

function Coverage({ overview }: { overview: Overview }) {
  const c = overview.coverage;
  if (!c) return null;
  if (c.unanswered.length === 0) {
    return (
      <span>
        Totals over all {c.nodes} nodes (memory and keys: masters).
        {c.rateGaps.length > 0 ? ` Rates skip the last sample: ${c.rateGaps.join(", ")} restarted.` : ""}
      </span>
    );
  }
  return (
    <span className="text-bad font-semibold" data-testid="coverage-missing">
      ✕ Totals over {c.answered} of {c.nodes} nodes: {c.unanswered.join(", ")} did not answer.
    </span>
  );
}

function ClusterLine({
  cluster,
  failovers,
}: {
  cluster: NonNullable<Overview["cluster"]>;
  failovers: Overview["failovers"];
}) {
  const last = failovers?.at(-1);
  const tone = cluster.state === "ok" ? "ok" : cluster.state === "fail" ? "bad" : "neutral";
  return (
    <span className="flex flex-wrap items-center gap-2">
      <Badge tone={tone} data-testid="cluster-state">
        cluster_state {cluster.state}
      </Badge>
      <span>
        {`${cluster.masters} master${cluster.masters === 1 ? "" : "s"} · ${cluster.replicas} replica${cluster.replicas === 1 ? "" : "s"}`}
      </span>
      {cluster.notOk.length > 0 ? (
        <span className="text-bad">
          not ok on {cluster.notOk.map((n) => `${n.node} (${n.state})`).join(", ")}
        </span>
      ) : null}
      <span data-testid="last-failover">
        {last
          ? `last failover ${clockUtc(last.at)} (${last.at.slice(0, 10)}): ${last.to} took over from ${last.from ?? "?"}${last.slots ? ` (slots ${last.slots})` : ""}`
          : "no failover seen"}
      </span>
    </span>
  );
}

function SentinelLine({ sentinel }: { sentinel: NonNullable<Overview["sentinel"]> }) {
  const last = sentinel.lastFailover;
  return (
    <span className="flex flex-wrap items-center gap-2" data-testid="sentinel-summary">
      {sentinel.error ? (
        <Badge tone="bad">✕ master unknown</Badge>
      ) : (
        <Badge tone={sentinel.masterOk ? "ok" : "bad"}>
          {sentinel.masterOk ? "●" : "✕"} master {sentinel.master ?? "unknown"}
          {sentinel.masterOk ? "" : " not answering"}
        </Badge>
      )}
      <span>
        {sentinel.replicas.length} replica{sentinel.replicas.length === 1 ? "" : "s"}
        {sentinel.replicas.length > 0
          ? ` (${sentinel.replicas.map((r) => `${r.address}${r.flags.some((f) => f.includes("down") || f === "disconnected") ? " down" : ""}`).join(", ")})`
          : ""}{" "}
        · {sentinel.sentinels} sentinel{sentinel.sentinels === 1 ? "" : "s"}
        {sentinel.configEpoch !== null ? ` · config epoch ${sentinel.configEpoch}` : ""}
      </span>
      <span data-testid="last-failover">
        {last
          ? `last failover ${clockUtc(last.at)} (${last.at.slice(0, 10)}): ${last.from ?? "?"} → ${last.to}`
          : "no failover seen"}
      </span>
      {sentinel.error ? <span className="text-bad">{sentinel.error}</span> : null}
    </span>
  );
}

export function DeploymentSummary({ overview }: { overview: Overview }) {
  if (!overview.kind || overview.kind === "standalone") return null;
  return (
    <div
      className="border-line bg-panel space-y-1 rounded-md border px-3 py-2 text-sm"
      data-testid="deployment-summary"
    >
      {overview.cluster ? <ClusterLine cluster={overview.cluster} failovers={overview.failovers} /> : null}
      {overview.sentinel ? <SentinelLine sentinel={overview.sentinel} /> : null}
      <p className="text-muted text-xs">
        <Coverage overview={overview} />
      </p>
    </div>
  );
}
