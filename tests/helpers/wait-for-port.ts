// Polls a loopback TCP port until something accepts a connection: the one readiness check for the
// processes that tests (redis-server) and the e2e harness (redis-server, next start) spawn.
import net from "node:net";

export interface WaitForPortOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Asked before every attempt: an Error ends the wait at once (e.g. the process has exited). */
  failFast?: () => Error | undefined;
  /** The error when the time is up. */
  timeoutError?: () => Error;
}

export function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { timeoutMs = 15_000, intervalMs = 50, failFast } = options;
  const timeoutError =
    options.timeoutError ?? (() => new Error(`nothing listens on ${port} after ${timeoutMs} ms`));
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const failed = failFast?.();
      if (failed) {
        reject(failed);
        return;
      }
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(timeoutError());
        else setTimeout(attempt, intervalMs);
      });
    };
    attempt();
  });
}
