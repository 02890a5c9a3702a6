import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Files that load the machine on purpose (a 50k writes/s flood, Lua busy loops): they run alone,
 * after the other integration files, so they neither slow a neighbour past its deadlines nor
 * measure one.
 */
const serialIntegration = [
  "tests/integration/watch-flood.test.ts",
  "tests/integration/latency-commands.test.ts",
  "tests/integration/latency-cluster.test.ts",
];

const alias = {
  "@": root,
  "server-only": path.resolve(root, "tests/helpers/server-only-stub.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          // Beside the module they test, or in tests/unit when they span several modules.
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          exclude: serialIntegration,
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file spawns its own redis-server; two at a time fits two cores.
          maxWorkers: 2,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration-serial",
          include: serialIntegration,
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
