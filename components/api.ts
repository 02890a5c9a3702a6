// The browser's side of the console API: one URL builder per route the UI calls, the react-query
// keys of what it caches, and the JSON mutation helpers. Client-safe: imports no server module.
import type { z } from "zod";
import { fetchJson } from "@/lib/http/fetch-json";
import type { AuditQueryInput } from "@/lib/schemas/audit";
import type { KeyDetailQuery, KeysQueryInput } from "@/lib/schemas/keys";
import type { MetricsQuery } from "@/lib/schemas/metrics";
import type { ReviewFormat } from "@/lib/schemas/review";
import type { ScanKeysQueryInput } from "@/lib/schemas/scans";
import type { WatchFindingClass } from "@/lib/schemas/watch";

export { stopRequests } from "@/lib/http/fetch-json";

/** "done": the newest done scan; "any": the newest finished one, failed or cancelled too. */
export type LatestScanStatus = "done" | "any";

/** `path` with the parameters that have a value; undefined and "" are left out. */
function withQuery(path: string, params: Readonly<Record<string, unknown>>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== "") query.set(name, String(value));
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

const segment = encodeURIComponent;

function instanceUrls(instanceId: string) {
  const base = `/api/instances/${segment(instanceId)}`;
  return {
    overview: () => `${base}/overview`,
    metrics: (query: MetricsQuery) => withQuery(`${base}/metrics`, { range: query.range }),
    /** POST: one action, or its dry run. */
    actions: () => `${base}/actions`,
    cacheKey: () => `${base}/cache-key`,
    /** `refresh` probes the Redis user again instead of answering the cached probe. */
    capabilities: ({ refresh = false } = {}) =>
      withQuery(`${base}/capabilities`, { refresh: refresh ? 1 : undefined }),
    clients: () => `${base}/clients`,
    config: () => `${base}/config`,
    applyConfig: () => `${base}/config/apply`,
    latency: (minutes: number) => withQuery(`${base}/latency`, { minutes }),
    /** `reveal` asks for the arguments too: an audited read, admins only. */
    slowlog: ({ reveal = false } = {}) => withQuery(`${base}/slowlog`, { reveal: reveal ? 1 : undefined }),
    resetSlowlog: () => `${base}/slowlog/reset`,
    watch: () => `${base}/watch`,
    watchFindings: (cls: WatchFindingClass, limit = 200) =>
      withQuery(`${base}/watch/findings`, { class: cls, limit }),
    review: ({ format, download = false }: { format?: ReviewFormat; download?: boolean } = {}) =>
      withQuery(`${base}/review`, { format, download: download ? 1 : undefined }),
    keys: (input: KeysQueryInput) => withQuery(`${base}/keys`, input),
    key: (keyBase64url: string, input: Partial<KeyDetailQuery> = {}) =>
      withQuery(`${base}/keys/${segment(keyBase64url)}`, {
        from: input.from || undefined,
        limit: input.limit || undefined,
      }),
    /** GET: the newest scans; POST: start one. */
    scans: ({ limit }: { limit?: number } = {}) => withQuery(`${base}/scans`, { limit }),
    /** The newest finished scan without its key lists. */
    latestScan: (status: LatestScanStatus = "done") =>
      withQuery(`${base}/scans/latest`, { lists: 0, status: status === "any" ? "any" : undefined }),
    /** The instance's running scans and bulk jobs. */
    runningWork: () => `${base}/scans/running`,
  };
}

/** URLs of the console API routes the browser calls; path segments are percent-encoded. */
export const apiUrl = {
  me: () => "/api/auth/me",
  login: () => "/api/auth/login",
  logout: () => "/api/auth/logout",
  instances: () => "/api/instances",
  instance: instanceUrls,
  /** One scan's status and progress, without its key lists (GET; DELETE cancels it). */
  scan: (scanId: string) => withQuery(`/api/scans/${segment(scanId)}`, { lists: 0 }),
  scanKeys: (scanId: string, input: ScanKeysQueryInput) =>
    withQuery(`/api/scans/${segment(scanId)}/keys`, input),
  /** One bulk action job (GET; DELETE cancels it). */
  actionJob: (jobId: string) => `/api/actions/${segment(jobId)}`,
  audit: (query: AuditQueryInput) => withQuery("/api/audit", query),
};

function instanceKeys(instanceId: string) {
  const all = ["instance", instanceId] as const;
  const ops = [...all, "ops"] as const;
  const watch = [...all, "watch"] as const;
  const keys = [...all, "keys"] as const;
  const scans = [...all, "scans"] as const;
  return {
    all: () => all,
    overview: () => [...all, "overview"] as const,
    metrics: (query: MetricsQuery) => [...all, "metrics", query] as const,
    review: () => [...all, "review"] as const,
    flushPreview: () => [...all, "flush-preview"] as const,
    actionJob: (jobId: string | undefined) => [...all, "action-job", jobId] as const,
    ops: {
      all: () => ops,
      capabilities: () => [...ops, "capabilities"] as const,
      clients: () => [...ops, "clients"] as const,
      config: () => [...ops, "config"] as const,
      latency: (minutes: number) => [...ops, "latency", { minutes }] as const,
      slowlog: () => [...ops, "slowlog"] as const,
    },
    watch: {
      all: () => watch,
      status: () => [...watch, "status"] as const,
      findings: (cls: WatchFindingClass | undefined) => [...watch, "findings", cls] as const,
    },
    keys: {
      /** Every key page and key detail: what an action may have changed. */
      all: () => keys,
      list: (input: Omit<KeysQueryInput, "cursor">) => [...keys, "list", input] as const,
      detail: (keyBase64url: string | undefined, input: Partial<KeyDetailQuery>) =>
        [...keys, "detail", keyBase64url, input] as const,
    },
    scans: {
      all: () => scans,
      /** Without `status`, a prefix of both latest-scan queries. */
      latest: (status?: LatestScanStatus) =>
        status === undefined ? ([...scans, "latest"] as const) : ([...scans, "latest", status] as const),
      running: () => [...scans, "running"] as const,
      job: (scanId: string | undefined) => [...scans, "job", scanId] as const,
      /** The review page's copy of a scan (its own freshness), not the polled job. */
      nodes: (scanId: string) => [...scans, "job", scanId, "nodes"] as const,
      /** Every page of every scan's key lists. */
      lists: () => [...scans, "lists"] as const,
      list: (scanId: string | undefined, input: ScanKeysQueryInput) =>
        [...scans, "lists", scanId, input] as const,
    },
  };
}

/**
 * react-query keys, hierarchical: `queryKeys.instance(id).all()` prefixes every key of that
 * instance, and a feature's `all()` every key of the feature, so one invalidation reaches them.
 */
export const queryKeys = {
  me: () => ["auth", "me"] as const,
  instances: () => ["instances"] as const,
  instance: instanceKeys,
  audit: {
    all: () => ["audit"] as const,
    list: (filters: AuditQueryInput) => ["audit", "list", filters] as const,
  },
};

/** POSTs `body` as JSON; the answer is validated with `schema`, a non-2xx answer throws ApiClientError. */
export function postJson<S extends z.ZodType>(
  url: string,
  body: unknown,
  schema: S,
  init?: RequestInit,
): Promise<z.infer<S>> {
  return fetchJson(url, schema, {
    ...init,
    method: "POST",
    headers: { "content-type": "application/json", ...init?.headers },
    body: JSON.stringify(body),
  });
}

/** DELETE (cancels a scan or a job); answers the resource as it is now, validated with `schema`. */
export function deleteJson<S extends z.ZodType>(
  url: string,
  schema: S,
  init?: RequestInit,
): Promise<z.infer<S>> {
  return fetchJson(url, schema, { ...init, method: "DELETE" });
}
