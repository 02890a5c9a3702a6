import { getConfig } from "@/lib/config";
import { ApiError, apiErrorFromRedis, BadRequestError } from "@/lib/http/errors";
import { methods, parseBody, requireInstance, route } from "@/lib/http/route";
import {
  canonicalize,
  firstDifference,
  keyFor,
  offeredPatterns,
  parseKeyTemplate,
  PyJsonError,
  type Canonical,
  type KeyTemplate,
} from "@/lib/policy/cache-key";
import { withRedis } from "@/lib/redis/connection";
import { readKeyMeta, type KeyMetaResult } from "@/lib/redis/key-meta";
import { toBase64 } from "@/lib/keys/encoding";
import {
  cacheKeyBodySchema,
  MAX_BODY_BYTES,
  MAX_REQUEST_BYTES,
  type CacheKeyResponse,
  type CacheKeyResult,
} from "@/lib/schemas/cache-key";

type Field = "request" | "compare";

function computeKey(text: string, field: Field, template: KeyTemplate): Canonical & { key: string } {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_REQUEST_BYTES) {
    throw new ApiError(
      413,
      "payload_too_large",
      `the ${field} text is ${bytes} bytes: the calculator reads at most ${MAX_REQUEST_BYTES} bytes (1 MiB)`,
    );
  }
  try {
    const c = canonicalize(text);
    return { ...c, key: keyFor(template, c.hash) };
  } catch (err) {
    if (err instanceof PyJsonError) {
      throw new BadRequestError(
        `the ${field} text is not JSON as ISL reads it (Python's json.loads): ${err.message}`,
        {
          field,
          line: err.line,
          column: err.column,
          char: err.pos,
        },
      );
    }
    throw err;
  }
}

function result(c: Canonical & { key: string }, meta: KeyMetaResult | undefined): CacheKeyResult {
  const base = {
    canonical: c.canonical,
    sha256: c.sha256,
    key: c.key,
    keyBase64: toBase64(Buffer.from(c.key, "utf8")),
    warnings: c.warnings,
    warningsOmitted: c.warningsOmitted,
  };
  if (!meta || meta.state === "missing") return { ...base, exists: false, ttl: null };
  if (meta.state === "unknown") {
    return { ...base, exists: "unknown", existsReason: apiErrorFromRedis(meta.error).message, ttl: null };
  }
  return { ...base, exists: true, ttl: meta.meta.ttl, type: meta.meta.type, bytes: meta.meta.bytes };
}

/**
 * The guide's compute_cache_key for a pasted request, and whether that key exists now (TTL, type,
 * size). A Redis failure is an error answer (503/403), never "does not exist"; only a key the
 * console's user may not read (ACL key patterns) is "unknown".
 */
const post = route<{ id: string }>({ access: "read" }, async (req, { id }): Promise<CacheKeyResponse> => {
  const instance = requireInstance(id);
  const body = await parseBody(req, cacheKeyBodySchema, MAX_BODY_BYTES);
  const patterns = getConfig().policy.patterns;
  const pattern = patterns.find((p) => p.name === body.pattern);
  const template = pattern ? parseKeyTemplate(pattern.template) : undefined;
  if (!pattern || !template) {
    const offered = offeredPatterns(patterns).map((p) => p.name);
    throw new BadRequestError(
      `${pattern ? `the pattern ${body.pattern} has no single placeholder in its template` : `unknown pattern ${JSON.stringify(body.pattern)}`}: choose one of ${offered.join(", ")}`,
      { patterns: offered },
    );
  }
  const first = computeKey(body.request, "request", template);
  const second = body.compare === undefined ? undefined : computeKey(body.compare, "compare", template);
  const keys = [first.key, ...(second ? [second.key] : [])].map((k) => Buffer.from(k, "utf8"));
  const metas = await withRedis(instance, (redis) => readKeyMeta(redis, keys));
  const answer: CacheKeyResponse = {
    ...result(first, metas[0]),
    pattern: pattern.name,
    template: pattern.template,
  };
  if (second) {
    const diff = firstDifference(first.canonical, second.canonical);
    answer.comparison = {
      other: result(second, metas[1]),
      sameKey: first.key === second.key,
      firstDifference: diff < 0 ? null : diff,
    };
  }
  return answer;
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ POST: post });
