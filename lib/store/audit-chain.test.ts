import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  entryHash,
  GENESIS_HASH,
  verifyChain,
  verifyChainAsync,
  type ChainRow,
} from "./audit-chain";

function chain(contents: Record<string, unknown>[]): ChainRow[] {
  let prev = GENESIS_HASH;
  return contents.map((content, i) => {
    const row = { id: i + 1, content: { ...content, id: i + 1 }, prevHash: prev, hash: "" };
    row.hash = entryHash(row.content, prev);
    prev = row.hash;
    return row;
  });
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined fields", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, "x", null], c: true }, u: undefined })).toBe(
      '{"a":{"c":true,"d":[1,"x",null]},"b":1}',
    );
  });
  it("gives the same text whatever order the fields were built in", () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
  it("escapes strings like JSON and refuses NaN", () => {
    expect(canonicalJson('a"\\\n')).toBe(JSON.stringify('a"\\\n'));
    expect(() => canonicalJson(Number.NaN)).toThrow(/not representable/);
  });
});

describe("verifyChain", () => {
  const rows = () => chain([{ action: "expire" }, { action: "delete" }, { action: "flushdb" }]);

  it("accepts an intact chain and answers its head", () => {
    const r = rows();
    expect(verifyChain(r)).toEqual({ ok: true, checked: 3, head: r[2]?.hash });
  });
  it("an altered entry is named", () => {
    const r = rows();
    (r[1] as ChainRow).content = { ...(r[1] as ChainRow).content, action: "expire" };
    expect(verifyChain(r)).toMatchObject({ ok: false, brokenId: 2, checked: 1 });
  });
  it("a removed entry breaks the chain at its successor", () => {
    const r = rows();
    r.splice(1, 1);
    expect(verifyChain(r)).toMatchObject({ ok: false, brokenId: 3 });
  });
  it("a rehashed entry still breaks the next link", () => {
    const r = rows();
    const row = r[1] as ChainRow;
    row.content = { ...row.content, action: "expire" };
    row.hash = entryHash(row.content, row.prevHash);
    expect(verifyChain(r)).toMatchObject({ ok: false, brokenId: 3 });
  });
  it("removing the first entries is detected", () => {
    expect(verifyChain(rows().slice(1))).toMatchObject({ ok: false, brokenId: 2 });
  });
});

describe("verifyChainAsync", () => {
  async function* each(rows: ChainRow[]): AsyncGenerator<ChainRow> {
    for (const row of rows) yield await Promise.resolve(row);
  }
  const rows = () => chain([{ action: "expire" }, { action: "delete" }, { action: "flushdb" }]);

  it("gives the same verdicts as the synchronous walk", async () => {
    const intact = rows();
    expect(await verifyChainAsync(each(intact))).toEqual(verifyChain(intact));
    const altered = rows();
    (altered[1] as ChainRow).content = { ...(altered[1] as ChainRow).content, action: "expire" };
    expect(await verifyChainAsync(each(altered))).toEqual(verifyChain(altered));
    expect(await verifyChainAsync(each(rows().slice(1)))).toMatchObject({ ok: false, brokenId: 2 });
  });
  it("an empty log is intact at the genesis hash", async () => {
    expect(await verifyChainAsync(each([]))).toEqual({ ok: true, checked: 0, head: GENESIS_HASH });
  });
});
