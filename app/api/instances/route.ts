import { getConfig } from "@/lib/config";
import { route, methods } from "@/lib/http/route";
import { probeAll } from "@/lib/metrics/instance-status";
import type { InstancesResponse } from "@/lib/schemas/instances";

const get = route({ access: "read" }, async (): Promise<InstancesResponse> => ({
  instances: await probeAll(getConfig().instances),
}));

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
