// The live TTL watch of one instance: a subscriber per master (lib/redis/watch.ts), a pending map
// of written keys merged over a short batch window (a SET followed at once by EXPIRE is one key
// with a TTL, not a violation), pipelined TTL reads within a per-second budget (a random sample
// beyond it, said in the status), findings written to the store and re-read in turn (a finding
// fixed by a plain EXPIRE, which the watch does not subscribe to, clears), missed windows recorded
// on disconnects. Node states, the budget and the last minute's counts make up its status.
import "server-only";
import type { InstanceConfig } from "@/lib/config";
import type { CompiledPolicy } from "@/lib/policy/classify";
import { missingWatchFlags } from "@/lib/policy/keyspace-events";
import { describeRedisError } from "@/lib/redis/errors";
import {
  readTtls,
  subscribeKeyevents,
  watchTargets,
  type Subscriber,
  type WatchTarget,
} from "@/lib/redis/watch";
import type { WatchMissed, WatchNode, WatchState, WatchStatus } from "@/lib/schemas/watch";
import type { Db } from "@/lib/store";
import { FINDINGS_CAP, findingKeys, pruneFindings, writeFindings, writeWatchStatus } from "@/lib/store/watch";
import { logStoreFailure } from "@/lib/store/db";
import { Admission, FindingKeys, keyHash } from "./admission";
import { LastMinute, pickSample, ReadBudget, samplingText } from "./budget";
import { eventKind, SUBSCRIBED_EVENTS } from "./events";
import type { Finding } from "@/lib/store/watch";
import { judge, needsRead, watchedAt, type KeyEvents } from "./judge";
import { flagsOffText, missedText } from "./text";

/** Events of one key within this window are read once, after it. */
export const BATCH_WINDOW_MS = 300;
/** Keys waiting for their read, at most: past it new keys are counted as not read. */
export const PENDING_CAP = 20_000;
const TICK_MS = 100;
/** A pass of re-reading every finding starts this often (one still running carries on first). */
export const FINDINGS_RECHECK_MS = 10_000;
/** Findings re-read per tick at most: a quarter of the read budget, after the written keys. */
const recheckPerTick = (maxReadsPerSecond: number) =>
  Math.max(1, Math.floor((maxReadsPerSecond * TICK_MS) / 1000 / 4));
const STATUS_EVERY_MS = 1000;
const MISSED_KEPT = 20;

export interface InstanceWatchOptions {
  db: Db;
  instance: InstanceConfig;
  compiled: CompiledPolicy;
  maxReadsPerSecond: number;
  now?: () => number;
  /** How often targets and flags are read again while all is well, and while something is off. */
  recheckMs?: { on: number; off: number };
}

interface NodeEntry {
  target: WatchTarget;
  address: string;
  state: WatchState;
  since: number;
  reason?: string;
  flags: string | null;
  subscriber?: Subscriber;
  /** Open missed window (the node is down) since. */
  downSince?: number;
  /** Subscribed at least once: a later drop is a missed window. */
  everUp: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class InstanceWatch {
  private readonly nodes = new Map<string, NodeEntry>();
  /** Keys waiting for their read, each with the number of written keys it stands for (1 / the admission rate). */
  private readonly pending = new Map<string, KeyEvents & { weight: number }>();
  private readonly findings = new FindingKeys();
  private readonly admission: Admission;
  private readonly minute = new LastMinute();
  private readonly budget: ReadBudget;
  private readonly missed: { from: number; to?: number; node?: string }[] = [];
  private timers: NodeJS.Timeout[] = [];
  private reading = false;
  private eventsSinceTick = 0;
  private lastTick: number | undefined;
  private running = false;
  private state: WatchState = "starting";
  private stateSince: number;
  private reason: string | undefined;
  private nextRecheck = 0;
  private lastStatus = 0;
  private lastPrune = 0;
  private checking: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private statusWriting = false;
  private statusDirty = false;
  /** Findings still to re-read in the current pass, and when the next pass may start. */
  private recheckQueue: string[] = [];
  private nextFindingsPass = 0;

  constructor(private readonly options: InstanceWatchOptions) {
    this.budget = new ReadBudget(options.maxReadsPerSecond);
    this.admission = new Admission(options.maxReadsPerSecond);
    this.stateSince = this.now;
  }

  private get now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private get id(): string {
    return this.options.instance.id;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.track(this.reloadFindings());
    this.writeStatus(true);
    const tick = setInterval(() => this.tick(), TICK_MS);
    tick.unref();
    this.timers.push(tick);
    void this.recheck();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const n of this.nodes.values()) n.subscriber?.close();
    this.nodes.clear();
    await Promise.allSettled([...this.inFlight, this.checking]);
  }

  /** Reads the masters and their flags; subscribes where it can, says why where it cannot. */
  private recheck(): Promise<void> {
    if (this.checking) return this.checking;
    const work = this.recheckNow().finally(() => {
      this.checking = undefined;
    });
    this.checking = work;
    return work;
  }

  private async recheckNow(): Promise<void> {
    const now = this.now;
    let targets;
    try {
      targets = await watchTargets(this.options.instance);
    } catch (err) {
      this.unreachable(describeRedisError(err));
      this.scheduleRecheck(false);
      return;
    }
    if (!this.running) return;
    const sentinel = this.options.instance.kind === "sentinel";
    const seen = new Set<string>();
    for (const { target, flags, refusal, error } of targets) {
      // A sentinel instance has one subscriber that follows the master: keep it across failovers.
      const slot = sentinel ? "master" : target.address;
      seen.add(slot);
      let node = this.nodes.get(slot);
      if (!node) {
        node = { target, address: target.address, state: "starting", since: now, flags, everUp: false };
        this.nodes.set(slot, node);
      }
      node.flags = flags;
      if (flags === null) {
        this.nodeOff(
          node,
          error
            ? `${target.address}: ${describeRedisError(error)}`
            : `${refusal ?? "CONFIG refused"} on ${target.address}: notify-keyspace-events cannot be read, so the watch cannot vouch for it`,
        );
        continue;
      }
      const missing = missingWatchFlags(flags);
      if (missing.length > 0) {
        this.nodeOff(node, flagsOffText(flags, missing, target.address));
        continue;
      }
      if (!node.subscriber) this.subscribe(slot, node);
    }
    for (const [slot, node] of this.nodes) {
      if (seen.has(slot)) continue;
      // No longer a master (failover, resharding): its open window ends now, its successor is subscribed above.
      node.subscriber?.close();
      this.closeWindow(node, now);
      this.nodes.delete(slot);
    }
    this.refreshState();
    this.scheduleRecheck(this.state === "on" && !this.reason);
  }

  private scheduleRecheck(allWell: boolean): void {
    const every = this.options.recheckMs ?? { on: 30_000, off: 5_000 };
    this.nextRecheck = this.now + (allWell ? every.on : every.off);
  }

  private unreachable(reason: string): void {
    const now = this.now;
    if (this.nodes.size === 0) {
      this.setState("reconnecting", `Redis is unreachable: ${reason}`);
      if (!this.missed.some((m) => m.to === undefined)) this.pushMissed({ from: now });
      return;
    }
    this.refreshState();
  }

  private nodeOff(node: NodeEntry, reason: string): void {
    node.subscriber?.close();
    node.subscriber = undefined;
    this.closeWindow(node, this.now);
    if (node.state !== "off" || node.reason !== reason) {
      node.state = "off";
      node.since = this.now;
      node.reason = reason;
    }
  }

  private subscribe(slot: string, node: NodeEntry): void {
    node.state = "starting";
    node.since = this.now;
    node.reason = undefined;
    node.subscriber = subscribeKeyevents(this.options.instance, node.target, SUBSCRIBED_EVENTS, {
      onEvent: (event, bytes, keyStart, keyEnd) => this.onEvent(event, bytes, keyStart, keyEnd, node.address),
      onSubscribed: (address) => {
        const now = this.now;
        const reconnect = node.everUp;
        // The window closes under the address it opened with (a sentinel failover changes it).
        this.closeWindow(node, now);
        node.address = address;
        node.everUp = true;
        node.state = "on";
        node.since = now;
        node.reason = undefined;
        // Redis may have restarted with notifications off: read the flags again at once.
        if (reconnect) this.nextRecheck = now;
        this.refreshState();
      },
      onDown: (error) => {
        const now = this.now;
        node.state = "reconnecting";
        node.since = now;
        node.reason = `connection to ${node.address} lost${error ? `: ${describeRedisError(error)}` : ""}; resubscribing`;
        node.downSince = now;
        this.pushMissed({ from: now, node: node.address });
        this.refreshState();
      },
      onRefused: (error) => {
        node.subscriber = undefined;
        this.nodeOff(node, `${node.address}: ${describeRedisError(error)}`);
        this.refreshState();
      },
    });
    void slot;
  }

  private closeWindow(node: NodeEntry, now: number): void {
    if (node.downSince === undefined) return;
    const open = this.missed.find(
      (m) => m.to === undefined && m.node === node.address && m.from === node.downSince,
    );
    if (open) open.to = now;
    node.downSince = undefined;
    this.writeStatus(true);
  }

  private pushMissed(m: { from: number; to?: number; node?: string }): void {
    this.missed.unshift(m);
    if (this.missed.length > MISSED_KEPT) this.missed.length = MISSED_KEPT;
    this.writeStatus(true);
  }

  private refreshState(): void {
    const nodes = [...this.nodes.values()];
    const open = this.missed.find((m) => m.to === undefined && m.node === undefined);
    if (open && nodes.length > 0) open.to = this.now;
    let state: WatchState;
    if (nodes.length === 0) state = "starting";
    else if (nodes.some((n) => n.state === "reconnecting")) state = "reconnecting";
    else if (nodes.some((n) => n.state === "starting")) state = "starting";
    else if (nodes.every((n) => n.state === "off")) state = "off";
    else state = "on";
    const off = nodes
      .filter((n) => n.state === "off" || n.state === "reconnecting")
      .map((n) => n.reason ?? n.address);
    const reason =
      off.length > 0
        ? `${state === "on" || state === "reconnecting" ? "not watched: " : ""}${off.join("; ")}`
        : undefined;
    this.setState(state, reason);
  }

  private setState(state: WatchState, reason: string | undefined): void {
    if (state !== this.state) {
      this.state = state;
      this.stateSince = this.now;
    }
    this.reason = reason;
    this.writeStatus(true);
  }

  private onEvent(event: string, bytes: Buffer, keyStart: number, keyEnd: number, node: string): void {
    if (!watchedAt(this.options.compiled, bytes, keyStart, keyEnd)) return;
    // Counted here, added to the minute's totals each tick: no allocation per event.
    this.eventsSinceTick++;
    const hash = keyHash(bytes, keyStart, keyEnd);
    const mayBeFinding = this.findings.mayHave(hash);
    const kind = eventKind(event);
    // A key only gone matters when it is a finding (its finding clears).
    if (kind === "gone" && !mayBeFinding) return;
    // Beyond the budget, a sample of keys is decoded; a persist and the findings always are.
    if (kind !== "persist" && !mayBeFinding && !this.admission.admits(hash)) return;
    const keyBase64 = bytes.toString("base64", keyStart, keyEnd);
    const entry = this.pending.get(keyBase64);
    if (entry) {
      if (!entry.events.includes(event)) entry.events.push(event);
      return;
    }
    if (kind === "gone" && !this.findings.has(keyBase64)) return;
    const now = this.now;
    const weight = kind === "persist" || mayBeFinding ? 1 : 1 / this.admission.rate;
    if (this.pending.size >= PENDING_CAP) {
      this.minute.add(now, { keys: Math.round(weight) });
      return;
    }
    // A copy: the received chunk is not kept.
    const key = Buffer.from(bytes.subarray(keyStart, keyEnd));
    this.pending.set(keyBase64, { key, keyBase64, events: [event], firstSeen: now, node, weight });
  }

  /** Every 100 ms: the keys whose window has passed, read within the budget. */
  private tick(): void {
    const now = this.now;
    if (now >= this.nextRecheck && !this.checking) {
      this.nextRecheck = Number.POSITIVE_INFINITY;
      void this.recheck();
    }
    if (now - this.lastStatus >= STATUS_EVERY_MS) this.writeStatus(false);
    if (now - this.lastPrune >= 30_000) {
      this.lastPrune = now;
      this.track(this.prune());
    }
    if (this.eventsSinceTick > 0) this.minute.add(now, { events: this.eventsSinceTick });
    if (this.lastTick !== undefined && now > this.lastTick)
      this.admission.update(now, this.eventsSinceTick, (now - this.lastTick) / 1000);
    this.lastTick = now;
    this.eventsSinceTick = 0;
    if (this.reading) return;
    const due: (KeyEvents & { weight: number })[] = [];
    for (const entry of this.pending.values()) {
      if (entry.firstSeen > now - BATCH_WINDOW_MS) break;
      due.push(entry);
    }
    for (const d of due) this.pending.delete(d.keyBase64);
    const gone = due.filter((d) => !needsRead(d)).map((d) => d.keyBase64);
    const toRead = due.filter(needsRead);
    const granted = toRead.length > 0 ? this.budget.take(now, toRead.length) : 0;
    const chosen = pickSample(toRead, granted, (d) =>
      d.events.includes("persist") ? 2 : this.findings.has(d.keyBase64) ? 1 : 0,
    );
    if (due.length > 0) {
      // Sampled on arrival, an admitted key stands for 1 / rate written keys.
      let keys = 0;
      for (const d of toRead) keys += d.weight;
      this.minute.add(now, { keys: Math.round(keys), keysRead: chosen.length });
    }
    const recheck = this.findingsToRecheck(now, chosen);
    if (chosen.length === 0 && gone.length === 0 && recheck.length === 0) return;
    this.reading = true;
    const work = this.readAndRecord(chosen, gone, recheck).finally(() => {
      this.reading = false;
      this.inFlight.delete(work);
    });
    this.inFlight.add(work);
  }

  /**
   * The findings to re-read this tick: the current pass's next few, within what the budget has
   * left after the written keys, never one already being read.
   */
  private findingsToRecheck(now: number, chosen: KeyEvents[]): string[] {
    if (this.findings.size === 0) {
      this.recheckQueue = [];
      return [];
    }
    if (this.recheckQueue.length === 0) {
      if (now < this.nextFindingsPass) return [];
      this.recheckQueue = this.findings.list();
      this.nextFindingsPass = now + FINDINGS_RECHECK_MS;
    }
    const wanted = Math.min(this.recheckQueue.length, recheckPerTick(this.options.maxReadsPerSecond));
    const picked = this.recheckQueue.splice(0, this.budget.take(now, wanted));
    const reading = new Set(chosen.map((c) => c.keyBase64));
    return picked.filter((k) => this.findings.has(k) && !reading.has(k) && !this.pending.has(k));
  }

  private async readAndRecord(chosen: KeyEvents[], gone: string[], recheck: string[]): Promise<void> {
    const recheckKeys = recheck.map((k) => Buffer.from(k, "base64"));
    const ttls = await readTtls(this.options.instance, [...chosen.map((c) => c.key), ...recheckKeys]);
    const add: Finding[] = [];
    const clear: string[] = [...gone];
    let unread = 0;
    chosen.forEach((c, i) => {
      const verdict = judge(this.options.compiled, c, ttls[i] ?? null);
      if (verdict.kind === "finding") add.push(verdict.finding);
      else if (verdict.kind === "unread") unread++;
      else if (this.findings.has(c.keyBase64)) clear.push(c.keyBase64);
    });
    // A re-read finding clears when the key is gone or within its standard now; one still in
    // violation keeps its row (when and how it was written); a failed read changes nothing.
    recheck.forEach((keyBase64, i) => {
      const k = { key: recheckKeys[i] as Buffer, keyBase64, events: [], firstSeen: this.now };
      const ttl = ttls[chosen.length + i] ?? null;
      if (judge(this.options.compiled, k, ttl).kind === "clear") clear.push(keyBase64);
    });
    if (unread > 0) this.minute.add(this.now, { unread });
    const cleared = clear.filter((k) => this.findings.has(k));
    if (add.length === 0 && cleared.length === 0) return;
    try {
      await writeFindings(this.options.db, this.id, add, cleared);
      for (const k of cleared) this.findings.delete(k);
      for (const f of add) this.findings.add(f.keyBase64);
      // The store drops the oldest past its cap: follow it, so this set stays bounded too.
      if (this.findings.size > FINDINGS_CAP) await this.reloadFindings();
    } catch (err) {
      logStoreFailure(`watch ${this.id}: could not store findings`, err);
    }
  }

  /** The findings held in the store (at start, past the cap, after a prune); a failed read keeps what is held. */
  private async reloadFindings(): Promise<void> {
    let keys: string[];
    try {
      keys = await findingKeys(this.options.db, this.id);
    } catch (err) {
      logStoreFailure(`watch ${this.id}: could not read its findings`, err);
      return;
    }
    this.findings.clear();
    for (const k of keys) this.findings.add(k);
  }

  private async prune(): Promise<void> {
    try {
      if ((await pruneFindings(this.options.db, this.id)) > 0) await this.reloadFindings();
    } catch (err) {
      logStoreFailure(`watch ${this.id}: could not prune findings`, err);
    }
  }

  /** Store work in flight: `stop` waits for it. */
  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.catch(() => undefined).finally(() => this.inFlight.delete(work));
  }

  status(): WatchStatus {
    const now = this.now;
    const t = this.minute.totals(now);
    const text = samplingText(t);
    const nodes: WatchNode[] = [...this.nodes.values()].map((n) => ({
      address: n.address,
      state: n.state,
      since: iso(n.since),
      ...(n.reason ? { reason: n.reason } : {}),
      flags: n.flags,
    }));
    const missed: WatchMissed[] = this.missed.map((m) => ({
      from: iso(m.from),
      ...(m.to !== undefined ? { to: iso(m.to) } : {}),
      ...(m.node ? { node: m.node } : {}),
      text: missedText(m.from, m.to, now, this.nodes.size > 1 ? m.node : undefined),
    }));
    return {
      id: this.id,
      state: this.state,
      ...(this.reason ? { reason: this.reason } : {}),
      since: iso(this.stateSince),
      updatedAt: iso(now),
      nodes,
      readsPerSecondLimit: this.options.maxReadsPerSecond,
      lastMinute: {
        events: t.events,
        keys: t.keys,
        keysRead: t.keysRead,
        unread: t.unread,
        sampled: t.keysRead < t.keys,
        ...(text ? { text } : {}),
      },
      missed,
      findings: this.findings.size,
    };
  }

  /**
   * Stores the status (at most every second unless forced). Writes go one at a time; a change
   * while one is on its way is written after it, as the status is then, so the store ends current.
   */
  private writeStatus(force: boolean): void {
    const now = this.now;
    if (!force && now - this.lastStatus < STATUS_EVERY_MS) return;
    if (!this.running) return;
    this.lastStatus = now;
    this.statusDirty = true;
    if (!this.statusWriting) this.track(this.flushStatus());
  }

  private async flushStatus(): Promise<void> {
    this.statusWriting = true;
    try {
      while (this.statusDirty) {
        this.statusDirty = false;
        try {
          await writeWatchStatus(this.options.db, this.status(), this.now);
        } catch (err) {
          logStoreFailure(`watch ${this.id}: could not store its status`, err);
        }
      }
    } finally {
      this.statusWriting = false;
    }
  }
}
