// The process-wide configuration: validated once, typed, the only reader of process.env.
import "server-only";
import { assertProductionAuth } from "./auth";
import { ConfigError } from "./errors";
import { loadConfig, type AppConfig, type InstanceConfig } from "./load";

export { ConfigError } from "./errors";
export type { AppConfig, InstanceConfig, MetricsConfig, TlsConfig } from "./load";
export type { ApiTokenEntry, AuthConfig, LocalUser, ProxyAuthConfig } from "./auth";
export { DEVELOPMENT_USERNAME, sessionSecretOf } from "./auth";

let cached: AppConfig | undefined;

export function getConfig(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

/** Drops the cached configuration so the next getConfig() reads process.env again. Tests only. */
export function resetConfigForTests(): void {
  cached = undefined;
}

/**
 * The configuration with some variables replaced, validated the same way and not cached:
 * command-line flags (seed:demo's --url) reuse the env's TLS, password and environment rules.
 */
export function loadConfigWith(overrides: Record<string, string | undefined>): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/** The configured instance with this id, or undefined (callers answer 404). */
export function findInstance(instanceId: string): InstanceConfig | undefined {
  return getConfig().instances.find((i) => i.id === instanceId);
}

/** Start-up check: a bad setting ends the process with one line naming it. */
export function assertConfigOrExit(): AppConfig {
  try {
    const config = getConfig();
    assertProductionAuth(config.nodeEnv, config.auth);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`isl-console: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
