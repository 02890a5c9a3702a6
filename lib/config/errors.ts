/** A setting that stops start-up; the message is one line naming the variable or field. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
