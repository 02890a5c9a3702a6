// A minimal RESP2 reader for a subscriber connection (the live TTL watch). Published messages
// (`message`, `pmessage`) are handed on as offsets into the received bytes, without allocating a
// Buffer or a string per message: at 100k keyevents a second a general-purpose client's parsing
// (four Buffers, strings and an event emit per message) costs the console a full core. Everything
// else (AUTH's +OK, subscribe confirmations, error replies) is parsed into plain values; those are
// a handful per connection.

/** An error reply (`-NOPERM ...`), named like ioredis's so lib/redis/errors.ts classifies it alike. */
export class ReplyError extends Error {
  override name = "ReplyError";
}

/** A reply that is not a published message. Bulk strings are copies (they outlive the chunk). */
export type RespValue = string | number | null | Buffer | ReplyError | RespValue[];

export interface PushHandlers {
  /**
   * A published message: the channel and the payload as [start, end) offsets into `bytes`, which
   * are only valid during the call (copy what you keep). `pattern` is true for a pmessage.
   */
  onMessage(
    bytes: Buffer,
    channelStart: number,
    channelEnd: number,
    payloadStart: number,
    payloadEnd: number,
    pattern: boolean,
  ): void;
  /** Any other reply, in order. */
  onReply(reply: RespValue): void;
}

/** Thrown on bytes that are not RESP2: the connection must be dropped. */
export class RespProtocolError extends Error {}

const CR = 13;
const STAR = 42;
const DOLLAR = 36;
const PLUS = 43;
const MINUS = 45;
const COLON = 58;
const MESSAGE = Buffer.from("message");
const PMESSAGE = Buffer.from("pmessage");
/** Not enough bytes yet. */
const INCOMPLETE = -1;

export class PushReader {
  /** Received bytes not yet parsed (an incomplete frame), kept as chunks until `need` bytes are there. */
  private held: Buffer[] = [];
  private heldLength = 0;
  private need = 0;
  /** Set by the parse functions: where the value just read ends, and the value of a generic reply. */
  private end = 0;
  private value: RespValue = null;
  /** Scratch for a message's offsets (channel start/end, payload start/end). */
  private readonly at = [0, 0, 0, 0];

  constructor(private readonly handlers: PushHandlers) {}

  feed(chunk: Buffer): void {
    let bytes = chunk;
    if (this.heldLength > 0) {
      this.held.push(chunk);
      this.heldLength += chunk.length;
      // A large frame arrives in many chunks: join them once, when it can be complete.
      if (this.heldLength < this.need) return;
      bytes = Buffer.concat(this.held, this.heldLength);
      this.held = [];
      this.heldLength = 0;
    }
    let p = 0;
    while (p < bytes.length) {
      this.need = 0;
      const next = this.frame(bytes, p);
      if (next === INCOMPLETE) {
        const rest = bytes.subarray(p);
        this.held = [rest];
        this.heldLength = rest.length;
        this.need = Math.max(this.need - p, rest.length + 1);
        return;
      }
      p = next;
    }
    this.need = 0;
  }

  /** One top-level frame at `p`: its end, or INCOMPLETE. */
  private frame(b: Buffer, p: number): number {
    if (b[p] === STAR) {
      const countEnd = this.lineEnd(b, p + 1);
      if (countEnd === INCOMPLETE) return INCOMPLETE;
      const count = this.int(b, p + 1, countEnd);
      const first = countEnd + 2;
      if ((count === 3 || count === 4) && b[first] === DOLLAR) {
        const done = this.message(b, first, count);
        if (done !== 0) return done;
      }
    }
    if (this.any(b, p) === INCOMPLETE) return INCOMPLETE;
    this.handlers.onReply(this.value);
    return this.end;
  }

  /**
   * A `message` (3 elements) or `pmessage` (4) at `p` (its first element): handed on, its end
   * returned; 0 when it is another array (a subscribe confirmation), parsed generically then.
   */
  private message(b: Buffer, p: number, count: number): number {
    if (!this.bulk(b, p)) return this.notBulk();
    const kind = count === 4 ? PMESSAGE : MESSAGE;
    const kindStart = this.at[0] as number;
    if ((this.at[1] as number) - kindStart !== kind.length) return 0;
    for (let i = 0; i < kind.length; i++) if (b[kindStart + i] !== kind[i]) return 0;
    // A pmessage's pattern is skipped: the channel names the event.
    if (count === 4 && !this.bulk(b, this.end)) return this.notBulk();
    if (!this.bulk(b, this.end)) return this.notBulk();
    const channelStart = this.at[0] as number;
    const channelEnd = this.at[1] as number;
    if (!this.bulk(b, this.end)) return this.notBulk();
    this.handlers.onMessage(
      b,
      channelStart,
      channelEnd,
      this.at[0] as number,
      this.at[1] as number,
      count === 4,
    );
    return this.end;
  }

  /** After a failed `bulk`: wait for more bytes, or (not a bulk string where one belongs) read the frame generically. */
  private notBulk(): number {
    return this.end === INCOMPLETE ? INCOMPLETE : 0;
  }

  /**
   * A bulk string at `p`: its bytes at this.at[0..1], its end at this.end; false when incomplete
   * (this.end INCOMPLETE) or not a non-null bulk string (this.end 0).
   */
  private bulk(b: Buffer, p: number): boolean {
    if (p >= b.length) {
      this.end = INCOMPLETE;
      this.need = Math.max(this.need, p + 1);
      return false;
    }
    if (b[p] !== DOLLAR) {
      this.end = 0;
      return false;
    }
    const lenEnd = this.lineEnd(b, p + 1);
    if (lenEnd === INCOMPLETE) {
      this.end = INCOMPLETE;
      return false;
    }
    const len = this.int(b, p + 1, lenEnd);
    if (len < 0) {
      this.end = 0;
      return false;
    }
    const start = lenEnd + 2;
    if (start + len + 2 > b.length) {
      this.end = INCOMPLETE;
      this.need = Math.max(this.need, start + len + 2);
      return false;
    }
    this.at[0] = start;
    this.at[1] = start + len;
    this.end = start + len + 2;
    return true;
  }

  /** Any value at `p` into this.value (its end at this.end), or INCOMPLETE. */
  private any(b: Buffer, p: number): number {
    if (p >= b.length) {
      this.need = Math.max(this.need, p + 1);
      return INCOMPLETE;
    }
    const type = b[p];
    const lineEnd = this.lineEnd(b, p + 1);
    if (lineEnd === INCOMPLETE) return INCOMPLETE;
    switch (type) {
      case PLUS:
        this.value = b.toString("utf8", p + 1, lineEnd);
        this.end = lineEnd + 2;
        return this.end;
      case MINUS:
        this.value = new ReplyError(b.toString("utf8", p + 1, lineEnd));
        this.end = lineEnd + 2;
        return this.end;
      case COLON:
        this.value = this.int(b, p + 1, lineEnd);
        this.end = lineEnd + 2;
        return this.end;
      case DOLLAR: {
        const len = this.int(b, p + 1, lineEnd);
        if (len < 0) {
          this.value = null;
          this.end = lineEnd + 2;
          return this.end;
        }
        const start = lineEnd + 2;
        if (start + len + 2 > b.length) {
          this.need = Math.max(this.need, start + len + 2);
          return INCOMPLETE;
        }
        this.value = Buffer.from(b.subarray(start, start + len));
        this.end = start + len + 2;
        return this.end;
      }
      case STAR: {
        const count = this.int(b, p + 1, lineEnd);
        let q = lineEnd + 2;
        if (count < 0) {
          this.value = null;
          this.end = q;
          return q;
        }
        const items: RespValue[] = [];
        for (let i = 0; i < count; i++) {
          if (this.any(b, q) === INCOMPLETE) return INCOMPLETE;
          items.push(this.value);
          q = this.end;
        }
        this.value = items;
        this.end = q;
        return q;
      }
      default:
        throw new RespProtocolError(`unexpected byte ${String(type)} in a reply`);
    }
  }

  /** The offset of the CR ending the line that starts at `p`, or INCOMPLETE. */
  private lineEnd(b: Buffer, p: number): number {
    // A loop, not indexOf: the lines here are a few digits, shorter than a native call's overhead.
    let cr = p;
    while (cr < b.length && b[cr] !== CR) cr++;
    if (cr + 1 >= b.length) {
      this.need = Math.max(this.need, cr + 2);
      return INCOMPLETE;
    }
    return cr;
  }

  /** A decimal integer in b[from, to). */
  private int(b: Buffer, from: number, to: number): number {
    let negative = false;
    let i = from;
    if (b[i] === MINUS) {
      negative = true;
      i++;
    }
    let n = 0;
    for (; i < to; i++) {
      const d = (b[i] as number) - 48;
      if (d < 0 || d > 9) throw new RespProtocolError("a length or integer is not a number");
      n = n * 10 + d;
    }
    return negative ? -n : n;
  }
}
