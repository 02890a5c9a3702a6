import { compiledPolicy } from "@/lib/config/compiled-policy";
import { BadRequestError, NotFoundError } from "@/lib/http/errors";
import { methods, parseQuery, requireInstance, route } from "@/lib/http/route";
import { canReadSensitive } from "@/lib/policy/access";
import { readKey } from "@/lib/browse/detail";
import { withRedis } from "@/lib/redis/connection";
import { fromBase64Url } from "@/lib/keys/encoding";
import { keyDetailQuerySchema, type KeyDetailResponse } from "@/lib/schemas/keys";

/**
 * One key's metadata and value (truncated past 1 MB or 1,000 elements); sensitive values only for
 * those allowed. 404 only when Redis said the key does not exist; a refused command is 403
 * redis_permission, a stalled Redis 503, a key that changed type while read 409.
 */
const get = route<{ id: string; keyBase64url: string }>(
  { access: "read" },
  async (req, { id, keyBase64url }, principal): Promise<KeyDetailResponse> => {
    const instance = requireInstance(id);
    const key = fromBase64Url(keyBase64url);
    if (!key || key.length === 0) throw new BadRequestError("the key id is not base64url (RFC 4648 §5, no padding)");
    const query = parseQuery(req, keyDetailQuerySchema);
    // Viewers never get a sensitive value: it is not even read from Redis.
    const revealSensitive = canReadSensitive(principal);
    const detail = await withRedis(instance, (redis) => readKey(redis, compiledPolicy(), key, query, { revealSensitive }));
    if (!detail) throw new NotFoundError("no such key (it may have expired)");
    return detail;
  },
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
