/** Redis could not be reached or refused us; route handlers answer 503. */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
  constructor(
    readonly instanceId: string,
    message: string,
  ) {
    super(message);
  }
}
