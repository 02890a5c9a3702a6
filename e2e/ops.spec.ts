// The ops page against the demo Redis (default configuration): the checklist fails
// maxmemory-policy with the guide's fix line; slow log arguments stay hidden for a viewer;
// /api/metrics answers Prometheus text with a token.
import { expect, test } from "./fixtures";

interface ConfigBody {
  checks: { id: string; status: string; fix: string | null }[];
}

test.describe("ops page", () => {
  test("shows the checklist with a failing maxmemory-policy and its fix line", async ({ opsPage, api }) => {
    const config = await api.get<ConfigBody>("/api/instances/demo/config");
    expect(config.status).toBe(200);
    expect(config.body.checks.find((c) => c.id === "maxmemory-policy")).toMatchObject({
      status: "fail",
      fix: "redis-cli CONFIG SET maxmemory-policy volatile-lru",
    });

    await opsPage.goto("demo");
    await expect(opsPage.checklist.getByRole("heading", { name: "Config compliance" })).toBeVisible();
    const policy = opsPage.check("maxmemory-policy");
    await expect(policy).toHaveAttribute("data-status", "fail");
    await expect(policy.getByText("fail", { exact: true })).toBeVisible();
    await expect(policy.getByText("noeviction")).toBeVisible();
    await expect(policy.getByTestId("fix-line")).toHaveText(
      "redis-cli CONFIG SET maxmemory-policy volatile-lru",
    );
    await expect(policy.getByRole("button", { name: /Copy/ })).toBeVisible();
    // Every check shows a status word.
    await expect(opsPage.checks).toHaveCount(10);

    await expect(opsPage.latencyChart).toBeVisible();
    await expect(opsPage.clientsByName).toContainText("isl-console-main");
    await expect(opsPage.slowlog.getByRole("heading", { name: "Slow log" })).toBeVisible();
  });

  test("hides slow log arguments from a viewer and reveals them to an admin", async ({ api, demo }) => {
    demo.cli("CONFIG", "SET", "slowlog-log-slower-than", "0");
    try {
      demo.cli("SET", "isl:beliefs:user_e2e_ops", "secret-value", "EX", "60");
      const hidden = await api.as("viewer").get<string>("/api/instances/demo/slowlog");
      expect(hidden.status).toBe(200);
      expect(JSON.stringify(hidden.body)).not.toContain("user_e2e_ops");
      expect((await api.as("viewer").get("/api/instances/demo/slowlog?reveal=1")).status).toBe(403);
      const revealed = await api.get("/api/instances/demo/slowlog?reveal=1");
      expect(revealed.status).toBe(200);
      expect(JSON.stringify(revealed.body)).toContain("user_e2e_ops");
    } finally {
      demo.cli("CONFIG", "SET", "slowlog-log-slower-than", "10000");
    }
  });

  test("serves Prometheus text on /api/metrics with a token, not to a browser session", async ({
    api,
    page,
    opsPage,
    request,
  }) => {
    expect((await request.get("/api/metrics")).status()).toBe(401);
    // page.request carries the signed-in admin's session cookie: not a bearer token.
    await opsPage.goto("demo");
    expect((await page.request.get("/api/metrics")).status()).toBe(401);
    const res = await api.get<string>("/api/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^isl_redis_up\{instance_id="demo"\} 1$/m);
  });
});
