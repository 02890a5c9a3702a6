import { runningActionJobs } from "@/lib/actions/jobs";
import { methods, requireInstance, route } from "@/lib/http/route";
import { listScanJobs } from "@/lib/scan/jobs";
import type { RunningWork } from "@/lib/schemas/scans";

/** What runs on the instance now, whoever started it: scans (scheduled too) and bulk action jobs. */
const get = route<{ id: string }>({ access: "read" }, async (_req, params): Promise<RunningWork> => {
  const instance = requireInstance(params.id);
  return {
    scans: (await listScanJobs(instance.id, 5)).filter((s) => s.status === "running"),
    jobs: await runningActionJobs(instance.id),
  };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
