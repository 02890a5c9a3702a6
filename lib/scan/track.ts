// Writes what an action changed into the instance's newest finished scan (lib/scan/changes.ts),
// so its lists, counts and the keys-without-TTL alert follow the console's own fixes at once.
import "server-only";
import { compiledPolicy } from "@/lib/config/compiled-policy";
import { getStore } from "@/lib/store";
import { adjustLatestScan, latestDoneScan } from "@/lib/store/scans";
import { applyKeyChanges, scanInterest, type ChangeSink, type Interest, type KeyChange } from "./changes";

/**
 * Applies the changes to the newest finished scan. The action has already run: a store failure is
 * logged and leaves the scan as it was (stale until the next scan), never turns the action into an error.
 */
export async function recordKeyChanges(instanceId: string, changes: KeyChange[], now = new Date()): Promise<void> {
  if (changes.length === 0) return;
  try {
    await adjustLatestScan(getStore(), instanceId, now.toISOString(), (result, match) =>
      applyKeyChanges(result, match, compiledPolicy(), changes),
    );
  } catch (err) {
    console.error(
      `isl-console: could not record ${changes.length} changed keys in the latest scan of ${instanceId}`,
      err,
    );
  }
}

/**
 * Collects an action's changes (a job's batch by batch) and writes them at most every `everyMs`
 * and at `flush`, one write after the other. Knows the latest scan's lists from its start, so
 * only keys that can change them are re-read. Made with `ChangeRecorder.open`.
 */
export class ChangeRecorder implements ChangeSink {
  private pending: KeyChange[] = [];
  private last = Date.now();
  /** The writes so far, chained: each batch lands after the one before. */
  private written: Promise<void> = Promise.resolve();

  private constructor(
    private readonly instanceId: string,
    private readonly everyMs: number,
    private readonly interestOf: (key: Buffer) => Interest,
  ) {}

  /** Reads the instance's latest scan (a store failure: no interest, the action still runs). */
  static async open(instanceId: string, everyMs = 1000): Promise<ChangeRecorder> {
    let scan;
    try {
      scan = await latestDoneScan(getStore(), instanceId);
    } catch (err) {
      console.error(`isl-console: could not read the latest scan of ${instanceId}`, err);
    }
    const result = scan?.result;
    return new ChangeRecorder(
      instanceId,
      everyMs,
      result && scan ? scanInterest(result, scan.match) : () => undefined,
    );
  }

  interest(key: Buffer): Interest {
    return this.interestOf(key);
  }

  readonly add = (changes: KeyChange[]): void => {
    this.pending.push(...changes);
    if (Date.now() - this.last >= this.everyMs) void this.flush();
  };

  /** Writes what is pending; resolves when every write so far has landed (never rejects). */
  flush(): Promise<void> {
    if (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.last = Date.now();
      this.written = this.written.then(() => recordKeyChanges(this.instanceId, batch));
    }
    return this.written;
  }
}
