import { describe, expect, it } from "vitest";
import { PushReader, ReplyError, RespProtocolError, type RespValue } from "./resp-push";

interface Message {
  channel: Buffer;
  payload: Buffer;
  pattern: boolean;
}

function reader() {
  const messages: Message[] = [];
  const replies: RespValue[] = [];
  const r = new PushReader({
    onMessage(bytes, cs, ce, ps, pe, pattern) {
      // Copied here: the offsets are only valid during the call.
      messages.push({
        channel: Buffer.from(bytes.subarray(cs, ce)),
        payload: Buffer.from(bytes.subarray(ps, pe)),
        pattern,
      });
    },
    onReply(reply) {
      replies.push(reply);
    },
  });
  return { r, messages, replies };
}

const bulk = (b: Buffer | string) => {
  const bytes = typeof b === "string" ? Buffer.from(b) : b;
  return Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n")]);
};
const array = (...items: (Buffer | string)[]) =>
  Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items.map(bulk)]);
const pmessage = (channel: string, key: Buffer | string) =>
  array("pmessage", "__keyevent@0__:*", channel, key);

describe("PushReader", () => {
  it("hands on a pmessage's channel and key, and a message's", () => {
    const { r, messages, replies } = reader();
    r.feed(
      Buffer.concat([
        pmessage("__keyevent@0__:set", "isl:ident:1"),
        array("message", "__keyevent@0__:del", "k"),
      ]),
    );
    expect(messages.map((m) => [m.channel.toString(), m.payload.toString(), m.pattern])).toEqual([
      ["__keyevent@0__:set", "isl:ident:1", true],
      ["__keyevent@0__:del", "k", false],
    ]);
    expect(replies).toEqual([]);
  });

  it("reads frames split across chunks at every byte", () => {
    const stream = Buffer.concat([
      Buffer.from("+OK\r\n"),
      Buffer.from("*3\r\n$10\r\npsubscribe\r\n$16\r\n__keyevent@0__:*\r\n:1\r\n"),
      pmessage("__keyevent@0__:set", "isl:ident:a"),
      pmessage("__keyevent@0__:expire", "isl:ident:b"),
    ]);
    for (let cut = 1; cut < stream.length; cut++) {
      const { r, messages, replies } = reader();
      r.feed(stream.subarray(0, cut));
      r.feed(stream.subarray(cut));
      expect(replies, `cut at ${cut}`).toEqual([
        "OK",
        [Buffer.from("psubscribe"), Buffer.from("__keyevent@0__:*"), 1],
      ]);
      expect(
        messages.map((m) => m.payload.toString()),
        `cut at ${cut}`,
      ).toEqual(["isl:ident:a", "isl:ident:b"]);
    }
  });

  it("reads a stream fed one byte at a time, and a large key in many chunks", () => {
    const big = Buffer.alloc(200_000, 0x61);
    const stream = Buffer.concat([pmessage("__keyevent@0__:set", "k1"), pmessage("__keyevent@0__:set", big)]);
    const { r, messages } = reader();
    for (let i = 0; i < 100; i++) r.feed(stream.subarray(i, i + 1));
    for (let p = 100; p < stream.length; p += 4096) r.feed(stream.subarray(p, p + 4096));
    expect(messages.map((m) => m.payload.length)).toEqual([2, 200_000]);
    expect(messages[1]?.payload.equals(big)).toBe(true);
  });

  it("keeps binary keys, unicode keys and keys containing CRLF byte for byte", () => {
    const binary = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x24, 0x2a, 0x80]);
    const unicode = Buffer.from("isl:ident:ключ-🔑", "utf8");
    const crlf = Buffer.from("isl:ident:a\r\n$3\r\nfoo\r\n");
    const { r, messages } = reader();
    r.feed(
      Buffer.concat([
        pmessage("__keyevent@0__:set", binary),
        pmessage("__keyevent@0__:hset", unicode),
        pmessage("__keyevent@0__:persist", crlf),
      ]),
    );
    expect(messages.map((m) => m.payload)).toEqual([binary, unicode, crlf]);
    expect(messages.map((m) => m.channel.toString())).toEqual([
      "__keyevent@0__:set",
      "__keyevent@0__:hset",
      "__keyevent@0__:persist",
    ]);
  });

  it("passes subscribe confirmations, errors, integers and nulls on as replies, in order", () => {
    const { r, messages, replies } = reader();
    r.feed(
      Buffer.from(
        "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n" +
          ":42\r\n$-1\r\n*-1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n",
      ),
    );
    expect(messages).toEqual([]);
    expect(replies[0]).toBeInstanceOf(ReplyError);
    expect((replies[0] as ReplyError).name).toBe("ReplyError");
    expect((replies[0] as ReplyError).message).toMatch(/^NOPERM .*channels/);
    expect(replies.slice(1)).toEqual([42, null, null, [Buffer.from("pong"), Buffer.alloc(0)]]);
  });

  it("does not take a 3- or 4-element array of another kind for a message", () => {
    const { r, messages, replies } = reader();
    r.feed(
      Buffer.concat([
        array("unsubscribe", "ch", "0"),
        array("smessage", "ch", "x"),
        array("pmessagz", "p", "c", "k"),
        Buffer.from("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n:1\r\n"),
      ]),
    );
    expect(messages).toEqual([]);
    expect(replies).toHaveLength(4);
    expect(replies[3]).toEqual([Buffer.from("message"), Buffer.from("ch"), 1]);
  });

  it("refuses bytes that are not RESP", () => {
    const { r } = reader();
    expect(() => r.feed(Buffer.from("HTTP/1.1 400 Bad Request\r\n"))).toThrow(RespProtocolError);
  });
});
