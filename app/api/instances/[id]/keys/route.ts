import { getConfig } from "@/lib/config";
import { parseQuery, requireInstance, route, methods } from "@/lib/http/route";
import { compiledPolicy, listKeys } from "@/lib/redis/browse";
import { withRedis } from "@/lib/redis/client";
import { keysQuerySchema, type KeysResponse } from "@/lib/schemas/keys";

/** One time-bounded SCAN page of keys with type, TTL, size and policy class. */
const get = route<{ id: string }>({ access: "read" }, async (req, { id }): Promise<KeysResponse> => {
  const instance = requireInstance(id);
  const query = parseQuery(req, keysQuerySchema);
  const compiled = compiledPolicy(getConfig().policy);
  return withRedis(instance, (redis) => listKeys(redis, compiled, query));
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
