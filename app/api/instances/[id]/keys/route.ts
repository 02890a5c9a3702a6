import { compiledPolicy } from "@/lib/config/compiled-policy";
import { parseQuery, requireInstance, route, methods } from "@/lib/http/route";
import { listKeys } from "@/lib/redis/browse";
import { withRedis } from "@/lib/redis/client";
import { keysQuerySchema, type KeysResponse } from "@/lib/schemas/keys";

/** One time-bounded SCAN page of keys with type, TTL, size and policy class. */
const get = route<{ id: string }>({ access: "read" }, async (req, { id }): Promise<KeysResponse> => {
  const instance = requireInstance(id);
  const query = parseQuery(req, keysQuerySchema);
  return withRedis(instance, (redis) => listKeys(redis, compiledPolicy(), query));
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
