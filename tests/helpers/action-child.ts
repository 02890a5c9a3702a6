// A child process for the audit durability test: runs one action through the real route handler
// (the same path `next start` takes), prints the response on one line, then waits to be killed.
// Usage: tsx --conditions=react-server tests/helpers/action-child.ts <instanceId> <role> <json body>
import { authedRequest } from "./auth";

async function main(): Promise<void> {
  const [id = "", role = "admin", body = "{}"] = process.argv.slice(2);
  const { POST } = await import("@/app/api/instances/[id]/actions/route");
  const req = authedRequest(`http://localhost/api/instances/${id}/actions`, {
    role: role as "admin" | "operator" | "viewer",
    method: "POST",
    body,
  });
  const res = await POST(req, { params: Promise.resolve({ id }) });
  process.stdout.write(`RESPONSE ${res.status} ${await res.text()}\n`);
  // Stay alive, as a server would, until the test kills us.
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stdout.write(`FAILED ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
