// What deploy/ promises, checked without a cluster or a container daemon (neither runs here): the
// Kubernetes manifests parsed and held to what the README's Deployment section says, and the
// Dockerfile's user and health check. Applying them (kubectl) and building the image are not tested.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { envSchema } from "@/lib/config/schema";

const k8s = path.join(process.cwd(), "deploy", "k8s");

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet?: { path: string; port: string };
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}
interface Container {
  name: string;
  image: string;
  ports: { name: string; containerPort: number }[];
  env: EnvVar[];
  readinessProbe: Probe;
  livenessProbe: Probe;
}
interface Deployment {
  kind: "Deployment";
  spec: {
    replicas: number;
    strategy: { type: string; rollingUpdate?: { maxUnavailable: number } };
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { securityContext: { runAsNonRoot: boolean; runAsUser: number }; containers: Container[] };
    };
  };
}
interface Service {
  kind: "Service";
  spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
}

function load<T>(file: string): T {
  const docs = parseAllDocuments(readFileSync(path.join(k8s, file), "utf8"));
  expect(docs).toHaveLength(1);
  const [doc] = docs;
  if (!doc || !("errors" in doc)) throw new Error(`${file}: no YAML document`);
  expect(doc.errors, `${file} parses`).toEqual([]);
  return doc.toJS() as T;
}

const deployment = load<Deployment>("deployment.yaml");
const service = load<Service>("service.yaml");
const kustomization = load<{ resources: string[]; images: { name: string }[] }>("kustomization.yaml");
const container = deployment.spec.template.spec.containers[0] as Container;
const env = new Map(container.env.map((e) => [e.name, e]));

describe("deploy/k8s", () => {
  it("the kustomization lists every manifest, and its image is the container's", () => {
    expect(kustomization.resources.sort()).toEqual(["deployment.yaml", "service.yaml"]);
    expect(kustomization.images.map((i) => i.name)).toEqual([container.image]);
  });

  it("runs two replicas, replaced one at a time with none unavailable, as a non-root user", () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toMatchObject({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0 } });
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
  });

  it("the Service reaches the pods: its selector matches their labels, its target is the container's port", () => {
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    const names = container.ports.map((p) => p.name);
    for (const p of service.spec.ports) expect(names).toContain(p.targetPort);
  });

  it("takes REDIS_URL and REDIS_TLS from the guide's isl-redis secret, DATABASE_URL and SESSION_SECRET from the console's", () => {
    expect(env.get("REDIS_URL")?.valueFrom?.secretKeyRef).toEqual({ name: "isl-redis", key: "url" });
    expect(env.get("REDIS_TLS")?.valueFrom?.secretKeyRef).toEqual({ name: "isl-redis", key: "tls" });
    expect(env.get("DATABASE_URL")?.valueFrom?.secretKeyRef).toEqual({
      name: "isl-redis-console",
      key: "database-url",
    });
    expect(env.get("SESSION_SECRET")?.valueFrom?.secretKeyRef).toEqual({
      name: "isl-redis-console",
      key: "session-secret",
    });
  });

  it("sets only variables the console reads (a misspelt name would be ignored silently)", () => {
    // Read by Node and Next rather than by the console's configuration.
    const runtime = new Set(["HOSTNAME", "NODE_OPTIONS"]);
    const known = new Set(Object.keys(envSchema.shape));
    const unknown = [...env.keys()].filter((name) => !runtime.has(name) && !known.has(name));
    expect(unknown).toEqual([]);
  });

  it("probes: readiness on the full health check, liveness on the one that asks neither Redis nor the store", () => {
    const port = container.ports[0]?.name;
    expect(container.readinessProbe.httpGet).toEqual({ path: "/api/health", port });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/api/health?probe=live", port });
    // A stalled Redis takes up to the 5 s command timeout: readiness waits longer than that.
    expect(container.readinessProbe.timeoutSeconds).toBeGreaterThan(5);
    // Liveness restarts only a process that stopped answering for minutes.
    const { periodSeconds = 10, failureThreshold = 3 } = container.livenessProbe;
    expect(periodSeconds * failureThreshold).toBeGreaterThanOrEqual(120);
  });
});

describe("deploy/Dockerfile", () => {
  const dockerfile = readFileSync(path.join(process.cwd(), "deploy", "Dockerfile"), "utf8");

  it("runs as the image's node user, on the standalone server, with a health check on /api/health", () => {
    const lines = dockerfile.split("\n").filter((l) => !l.trimStart().startsWith("#"));
    expect(lines.filter((l) => /^USER\s/.test(l))).toEqual(["USER node"]);
    expect(lines).toContain('CMD ["node", "server.js"]');
    const healthcheck = dockerfile.slice(dockerfile.indexOf("HEALTHCHECK"));
    expect(healthcheck).toMatch(/\/api\/health/);
  });
});
