// Keys for the e2e "cluster" instance: a small policy-conforming keyspace spread over the masters
// by slot, and one key without TTL on the second master (masters in slot order), which the TTL
// page must list after a scan.
import calculateSlot from "cluster-key-slot";
// eslint-disable-next-line no-restricted-imports -- global setup writes the keys as ISL itself would, through a cluster client
import { Cluster } from "ioredis";

const PATTERNS = [
  { prefix: "isl:beliefs:", ttl: 86_400 },
  { prefix: "isl:ident:", ttl: 21_600 },
  { prefix: "isl:result:", ttl: 7_200 },
  { prefix: "isl:sensitivity:", ttl: 14_400 },
];

const hex16 = (n: number) => n.toString(16).padStart(16, "0");

/** Writes the keys through a cluster client and answers the planted no-TTL key's name. */
export async function plantClusterKeys(seeds: string[]): Promise<string> {
  const cluster = new Cluster(
    seeds.map((u) => ({ host: new URL(u).hostname, port: Number(new URL(u).port) })),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      cluster.once("ready", () => resolve());
      cluster.once("error", reject);
    });
    let n = 0;
    for (const { prefix, ttl } of PATTERNS) {
      for (let i = 0; i < 40; i++)
        await cluster.set(`${prefix}${hex16(0xc1000 + n++)}`, `{"n":${n}}`, "EX", ttl);
    }
    // Masters in slot order: the second one serves the slots after the first master's last slot.
    const owners = [...new Set(Array.from({ length: 16384 }, (_, slot) => cluster.slots[slot]?.[0]))].filter(
      Boolean,
    );
    const second = owners[1];
    let key = "";
    for (let i = 0; ; i++) {
      key = `isl:result:${hex16(0xe2e000 + i)}`;
      if (cluster.slots[calculateSlot(key)]?.[0] === second) break;
    }
    await cluster.set(key, '{"planted":"no ttl on the second master"}');
    return key;
  } finally {
    await cluster.quit();
  }
}
