// The configured policy, compiled once (regular expressions, byte prefixes) for classifying keys.
import "server-only";
import { compilePolicy, type CompiledPolicy } from "@/lib/policy/classify";
import type { Policy } from "@/lib/policy/types";
import { getConfig } from "./index";

const compiled = new WeakMap<Policy, CompiledPolicy>();

/** The compiled form of `policy` (the configured one by default), built once per policy object. */
export function compiledPolicy(policy: Policy = getConfig().policy): CompiledPolicy {
  let c = compiled.get(policy);
  if (!c) {
    c = compilePolicy(policy);
    compiled.set(policy, c);
  }
  return c;
}
