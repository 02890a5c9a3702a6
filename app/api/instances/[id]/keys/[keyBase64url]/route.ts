import { getConfig } from "@/lib/config";
import { BadRequestError, ConflictError, NotFoundError } from "@/lib/http/errors";
import { parseQuery, requireInstance, route, methods } from "@/lib/http/route";
import { canReadSensitive } from "@/lib/policy/access";
import { compiledPolicy, readKey } from "@/lib/redis/browse";
import { withRedis } from "@/lib/redis/client";
import { fromBase64Url } from "@/lib/redis/keys";
import { keyDetailQuerySchema, type KeyDetailResponse } from "@/lib/schemas/keys";

/** One key's metadata and value (truncated past 1 MB or 1,000 elements); sensitive values only for those allowed. */
const get = route<{ id: string; keyBase64url: string }>(
  { access: "read" },
  async (req, { id, keyBase64url }, principal): Promise<KeyDetailResponse> => {
    const instance = requireInstance(id);
    const key = fromBase64Url(keyBase64url);
    if (!key || key.length === 0)
      throw new BadRequestError("the key id is not base64url (RFC 4648 §5, no padding)");
    const query = parseQuery(req, keyDetailQuerySchema);
    const compiled = compiledPolicy(getConfig().policy);
    // Viewers never get a sensitive value: it is not even read from Redis.
    const revealSensitive = canReadSensitive(principal);
    const detail = await withRedis(instance, (redis) =>
      readKey(redis, compiled, key, query, { revealSensitive }),
    ).catch((err: unknown) => {
      if (err instanceof Error && /WRONGTYPE/.test(err.message))
        throw new ConflictError("the key changed type while it was read; retry");
      throw err;
    });
    if (!detail) throw new NotFoundError("no such key (it may have expired)");
    return detail;
  },
);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
