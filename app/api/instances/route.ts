import { getConfig } from "@/lib/config";
import { route } from "@/lib/http/route";
import { probeAll } from "@/lib/redis/instances";
import type { InstancesResponse } from "@/lib/schemas/instances";

export const GET = route(async (): Promise<InstancesResponse> => ({
  instances: await probeAll(getConfig().instances),
}));
