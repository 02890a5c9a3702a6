// URLs of the ops APIs, one place for the hooks.
export function opsUrl(instanceId: string, path: string, query?: Record<string, string | number>): string {
  const qs = query
    ? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString()}`
    : "";
  return `/api/instances/${encodeURIComponent(instanceId)}/${path}${qs}`;
}
