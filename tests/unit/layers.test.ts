// The layering of lib/ and components/, read from the import lines of their source files: no two
// folders depend on each other (directly or round a longer loop), lib/redis stays Redis access (no
// API shapes, no policy), and only lib/redis talks to ioredis. Type-only imports count: they tie
// folders as much. A file directly under lib/ or components/ (format.ts, api.ts) is a unit of its own.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const lib = path.join(root, "lib");

interface Import {
  file: string;
  spec: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** Every module a source imports (static, type-only, side-effect, dynamic), by TypeScript's scanner. */
function importSpecs(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The lib unit a file or import target belongs to: its first folder under lib/, or its own name. */
function unitOf(libRelative: string): string {
  const [first, ...rest] = libRelative.split("/");
  return rest.length > 0 ? (first as string) : (first as string).replace(/\.tsx?$/, "");
}

/** The path under `base` (lib/ or components/) that an import points to, if it points there. */
function targetIn(base: string, file: string, spec: string): string | undefined {
  const alias = `@/${path.basename(base)}/`;
  if (spec.startsWith(alias)) return spec.slice(alias.length);
  if (spec.startsWith(".")) {
    const rel = path.relative(base, path.resolve(path.dirname(file), spec));
    return rel.startsWith("..") ? undefined : rel;
  }
  return undefined;
}

function libTarget(file: string, spec: string): string | undefined {
  return targetIn(lib, file, spec);
}

function importsUnder(base: string): Import[] {
  return sourceFiles(base).flatMap((file) =>
    importSpecs(readFileSync(file, "utf8")).map((spec) => ({ file, spec })),
  );
}

/** Unit -> the units it imports, each with one file that does (for the message). */
function unitGraph(imports: Import[], base = lib): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const { file, spec } of imports) {
    const target = targetIn(base, file, spec);
    if (target === undefined) continue;
    const from = unitOf(path.relative(base, file));
    const to = unitOf(target);
    if (from === to) continue;
    const edges = graph.get(from) ?? new Map<string, string>();
    if (!edges.has(to)) edges.set(to, path.relative(root, file));
    graph.set(from, edges);
  }
  return graph;
}

/** Every loop of units, each once, as "a -> b (file) -> a (file)". */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found = new Set<string>();
  const out: string[] = [];
  const walk = (start: string, at: string, trail: string[], seen: Set<string>) => {
    for (const [next, file] of graph.get(at) ?? []) {
      const step = [...trail, `${next} (${file})`];
      if (next === start) {
        const units = [start, ...step.map((s) => s.split(" ")[0])].slice(0, -1);
        const key = [...units].sort().join(",");
        if (!found.has(key)) {
          found.add(key);
          out.push([start, ...step].join(" -> "));
        }
      } else if (!seen.has(next) && next > start) {
        // Only walk units ordered after the start: each loop is found from its smallest unit.
        walk(start, next, step, new Set([...seen, next]));
      }
    }
  };
  for (const unit of [...graph.keys()].sort()) walk(unit, unit, [], new Set([unit]));
  return out;
}

describe("lib and components layering", () => {
  const imports = importsUnder(lib);

  it("reads the import lines (a sanity check: the graph is not empty)", () => {
    const graph = unitGraph(imports);
    expect(graph.get("redis")?.has("config")).toBe(true);
    const source =
      'import {\n  a,\n  type B,\n} from "@/lib/x/y";\nimport "server-only";\nconst t = `import R from "ioredis";`;';
    expect(importSpecs(source)).toEqual(["@/lib/x/y", "server-only"]);
  });

  it("finds a loop when there is one", () => {
    const graph = new Map([
      ["a", new Map([["b", "lib/a/x.ts"]])],
      ["b", new Map([["c", "lib/b/y.ts"]])],
      ["c", new Map([["a", "lib/c/z.ts"]])],
    ]);
    expect(cycles(graph)).toEqual(["a -> b (lib/a/x.ts) -> c (lib/b/y.ts) -> a (lib/c/z.ts)"]);
  });

  it("has no import cycle between folders of lib/", () => {
    expect(cycles(unitGraph(imports))).toEqual([]);
  });

  it("has no import cycle between folders of components/", () => {
    const components = path.join(root, "components");
    const graph = unitGraph(importsUnder(components), components);
    expect(graph.size).toBeGreaterThan(3);
    expect(cycles(graph)).toEqual([]);
  });

  it("keeps lib/redis to Redis access: it imports neither lib/schemas (API shapes) nor lib/policy", () => {
    const offending = imports
      .filter(({ file }) => path.relative(lib, file).startsWith(`redis${path.sep}`))
      .filter(({ file, spec }) => /^(schemas|policy)(\/|$)/.test(libTarget(file, spec) ?? ""))
      .map(({ file, spec }) => `${path.relative(root, file)} imports ${spec}`);
    expect(offending).toEqual([]);
  });

  it("imports ioredis only in lib/redis", () => {
    const dirs = ["lib", "app", "components", "scripts", "bench"].map((d) => path.join(root, d));
    const offending = dirs
      .flatMap((dir) => sourceFiles(dir))
      .filter((file) => !path.relative(lib, file).startsWith(`redis${path.sep}`))
      .filter((file) =>
        importSpecs(readFileSync(file, "utf8")).some((s) => s === "ioredis" || s.startsWith("ioredis/")),
      )
      .map((file) => path.relative(root, file));
    expect(offending).toEqual([]);
  });
});
