// The cache policy's shape: data the rest of the product reads, never code.
import { z } from "zod";

export const environmentSchema = z.enum(["development", "staging", "production"]);
export type Environment = z.infer<typeof environmentSchema>;

const rangeSchema = z
  .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
  .refine((r) => r.min <= r.max, { message: "min must not exceed max" });

export const patternSchema = z.object({
  /** Short name shown in tables: "result". */
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, "lowercase letters, digits, - and _"),
  /** Human form of the key: "isl:result:{request_hash}". */
  template: z.string().min(1),
  /** Keys starting with this prefix belong to the pattern: "isl:result:". */
  keyPrefix: z.string().min(1),
  standardTtlSeconds: z.number().int().positive(),
  typicalBytes: z.number().int().positive(),
  expectedKeys: rangeSchema,
  /** Values may describe a person: viewers do not see them. */
  sensitive: z.boolean().default(false),
  /** The id segment after the prefix; anything else is flagged as possible PII. */
  idPattern: z.string().default("^[0-9a-f]{16}$"),
  description: z.string().default(""),
});
export type KeyPattern = z.infer<typeof patternSchema>;

export const policySchema = z
  .object({
    /** The namespace the instance is dedicated to; keys outside it are foreign. */
    namespace: z.string().min(1),
    patterns: z.array(patternSchema).min(1),
  })
  .superRefine((policy, ctx) => {
    const names = new Set<string>();
    policy.patterns.forEach((p, i) => {
      if (names.has(p.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["patterns", i, "name"],
          message: `duplicate pattern ${p.name}`,
        });
      }
      names.add(p.name);
      if (!p.keyPrefix.startsWith(policy.namespace)) {
        ctx.addIssue({
          code: "custom",
          path: ["patterns", i, "keyPrefix"],
          message: `must start with the namespace ${policy.namespace}`,
        });
      }
      try {
        new RegExp(p.idPattern);
      } catch {
        ctx.addIssue({
          code: "custom",
          path: ["patterns", i, "idPattern"],
          message: "not a valid regular expression",
        });
      }
    });
  });
export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
