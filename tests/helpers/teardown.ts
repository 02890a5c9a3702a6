// Teardown of what a test file started, in order, where one step failing must not leave the rest
// running: a store still open, a temp directory left behind, redis-servers still listening.

/** Something a test started: closed or stopped; undefined when setup failed before starting it. */
export type TeardownStep = { close(): unknown } | { stop(): unknown } | (() => unknown) | undefined;

/**
 * Closes or stops each step in order (a function is called), each even after one before it failed,
 * and skips the undefined ones; then throws what failed.
 */
export async function teardown(...steps: TeardownStep[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      if (typeof step === "function") await step();
      else if (step && "close" in step) await step.close();
      else if (step) await step.stop();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} teardown steps failed`);
}
