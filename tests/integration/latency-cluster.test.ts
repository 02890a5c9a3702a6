// Command latency and persistence per node of a real 3-master Redis Cluster: a Lua busy loop on one
// master makes EVAL slow there only, and the command-latency alert names that node; one master whose
// background saves fail (its dump file's name is taken by a directory, which stops root too) fires
// the persistence alert naming it, while the other masters stay quiet.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
// eslint-disable-next-line no-restricted-imports -- the load runs on one master over a plain connection, outside the console's code
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceConfig } from "@/lib/config";
import { latestCommands } from "@/lib/metrics/latency";
import type { MetricsSampler } from "@/lib/metrics/sampler";
import { getOverview, type ReadSettings } from "@/lib/metrics/service";
import { defaultAlertThresholds, type AlertThresholds } from "@/lib/policy/alerts";
import { withRedis } from "@/lib/redis/connection";
import { parseInfo, parsePersistence } from "@/lib/redis/info";
import { commandLatencyBetween } from "@/lib/store/command-latency";
import type { Db } from "@/lib/store/db";
import { clusterInstance, pollUntil, startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";
import type { RedisServer } from "../helpers/redis-server";
import { openSamplerEnv, type SamplerEnv } from "../helpers/sampler-env";
import { teardown } from "../helpers/teardown";

const TIMEOUT_MS = 120_000;
const INTERVAL_MS = 500;
const thresholds: AlertThresholds = { ...defaultAlertThresholds, latencyForMs: 2000 };
const settings: ReadSettings = { intervalMs: INTERVAL_MS, thresholds };
const address = (s: RedisServer) => `127.0.0.1:${s.port}`;

describe("command latency and persistence per cluster node", () => {
  let cluster: RedisCluster;
  let instance: InstanceConfig;
  let env: SamplerEnv | undefined;
  let db: Db;
  let sampler: MetricsSampler;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 0 });
    instance = clusterInstance(cluster, "cl");
    env = await openSamplerEnv("latency-cluster", [instance], { ...settings, owner: "latency-cluster-test" });
    ({ db, sampler } = env);
  }, TIMEOUT_MS);

  afterAll(() => teardown(env, cluster), TIMEOUT_MS);

  it(
    "names the slow master in the command-latency alert and the failing one in the persistence alert",
    async () => {
      const [slow, unsaved] = (await cluster.masters()).map((m) => m.server);
      if (!slow || !unsaved) throw new Error("no masters");
      // rename(temp-<pid>.rdb, dump.rdb) fails onto a non-empty directory, whoever runs Redis.
      const dumpDir = (await cluster.cli(unsaved, "CONFIG", "GET", "dir")).split("\n")[1]?.trim() ?? "";
      mkdirSync(path.join(dumpDir, "dump.rdb", "taken"), { recursive: true });
      await withRedis(instance, async (redis) => {
        await Promise.all(Array.from({ length: 60 }, (_, i) => redis.set(`isl:result:${i}`, "v", "EX", 600)));
      });
      // After the writes: with changes pending, the next cron tick starts a save that fails.
      await cluster.cli(unsaved, "CONFIG", "SET", "save", "1 1");
      await pollUntil("a failed bgsave on the unsaved master", 30_000, async () => {
        const status = parsePersistence(
          parseInfo(await cluster.cli(unsaved, "INFO", "persistence")),
        )?.rdbLastBgsaveStatus;
        return status === "err" ? true : { notYet: `rdb_last_bgsave_status ${status ?? "unread"}` };
      });

      const load = new Redis({ host: "127.0.0.1", port: slow.port, maxRetriesPerRequest: 1 });
      const script = "local i=0 while i<tonumber(ARGV[1]) do i=i+1 end return i";
      let n = 2_000_000;
      const started = performance.now();
      await load.eval(script, 0, String(n));
      n = Math.max(100_000, Math.round((200 * n) / (performance.now() - started)));
      let stop = false;
      const loop = (async () => {
        while (!stop) await load.eval(script, 0, String(n)).catch(() => undefined);
      })();
      sampler.start();
      try {
        const deadline = Date.now() + 60_000;
        let alerts = (await getOverview(instance, db, settings)).alerts;
        while (Date.now() < deadline) {
          alerts = (await getOverview(instance, db, settings)).alerts;
          const slowAlert = alerts.find((a) => a.rule === "command-latency" && a.state === "firing");
          const saveAlert = alerts.find((a) => a.rule === "persistence");
          if (slowAlert && saveAlert) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        const commandAlerts = alerts.filter((a) => a.rule === "command-latency");
        expect(commandAlerts.map((a) => [a.node, a.command, a.state])).toEqual([
          [address(slow), "eval", "firing"],
        ]);
        expect(commandAlerts[0]?.summary).toMatch(
          new RegExp(`^node ${address(slow)} \\(master\\): EVAL p99`),
        );
        const persistence = alerts.filter((a) => a.rule === "persistence");
        expect(persistence.map((a) => a.node)).toEqual([address(unsaved)]);
        expect(persistence[0]?.summary).toMatch(/rdb_last_bgsave_status:err/);

        const [evalRow] = latestCommands(
          (await commandLatencyBetween(db, instance.id, Date.now() - 60_000, Date.now())).filter(
            (r) => r.command === "eval",
          ),
          3,
        );
        expect(evalRow).toMatchObject({ command: "EVAL", node: address(slow), source: "histogram" });
      } finally {
        stop = true;
        await loop;
        load.disconnect();
        await cluster.cli(unsaved, "CONFIG", "SET", "save", "");
        rmSync(path.join(dumpDir, "dump.rdb"), { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});
