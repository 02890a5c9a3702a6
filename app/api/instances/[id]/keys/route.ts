import { getConfig } from "@/lib/config";
import { parseQuery, requireInstance, route } from "@/lib/http/route";
import { compiledPolicy, listKeys } from "@/lib/redis/browse";
import { withRedis } from "@/lib/redis/client";
import { keysQuerySchema, type KeysResponse } from "@/lib/schemas/keys";

/** One time-bounded SCAN page of keys with type, TTL, size and policy class. */
export const GET = route<{ id: string }>(async (req, { id }): Promise<KeysResponse> => {
  const instance = requireInstance(id);
  const query = parseQuery(req, keysQuerySchema);
  const compiled = compiledPolicy(getConfig().policy);
  return withRedis(instance, (redis) => listKeys(redis, compiled, query));
});
