import { compiledPolicy } from "@/lib/config/compiled-policy";
import { parseQuery, requireInstance, route, methods } from "@/lib/http/route";
import { listKeys } from "@/lib/browse/list";
import { withRedis } from "@/lib/redis/connection";
import { keysQuerySchema, type KeysResponse } from "@/lib/schemas/keys";

/**
 * One time-bounded SCAN page of keys with type, TTL, size and policy class. A cluster is listed
 * master after master: its cursor is an opaque token (node and node cursor); a cursor that is not
 * one a page returned is 400, one naming a node whose slots no master serves any more is 409.
 */
const get = route<{ id: string }>({ access: "read" }, async (req, { id }): Promise<KeysResponse> => {
  const instance = requireInstance(id);
  const query = parseQuery(req, keysQuerySchema);
  return withRedis(instance, () => listKeys(instance, compiledPolicy(), query));
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
