import { expect, test } from "./fixtures";

test.describe("home: all instances at a glance", () => {
  test("shows the seeded instance reachable with memory, key count and version", async ({ page }) => {
    await page.goto("/");
    const card = page.locator('[data-testid="instance-card"][data-instance="demo"]');
    await expect(card).toBeVisible();
    await expect(card.getByTestId("reachability")).toHaveText(/reachable/);
    await expect(card).toContainText("Memory used");
    await expect(card).toContainText(/\d[\d,]* keys/);
    await expect(card).toContainText(/v\d+\.\d+/);
  });

  test("every instance page link works and an unknown id is a 404", async ({ page }) => {
    for (const path of ["/i/demo", "/i/demo/keys", "/i/demo/ttl", "/i/demo/review", "/i/demo/ops", "/audit"]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
    }
    const res = await page.goto("/i/no-such-instance");
    expect(res?.status()).toBe(404);
    await expect(page.getByText("no instance with this id is configured")).toBeVisible();
  });
});

test.describe("instances API", () => {
  test("reports a stopped Redis unreachable within 5 s, answering within 3 s, and recovers", async ({ api, chaos }) => {
    type Body = { instances: { id: string; reachable: boolean; error?: string }[] };
    const chaosOf = (b: Body) => b.instances.find((i) => i.id === "chaos");
    expect(chaosOf((await api.get<Body>("/api/instances")).body)?.reachable).toBe(true);

    chaos.stop();
    const stoppedAt = Date.now();
    let last: ReturnType<typeof chaosOf>;
    while (Date.now() - stoppedAt < 5000) {
      const started = Date.now();
      const { status, body } = await api.get<Body>("/api/instances");
      expect(Date.now() - started, "request duration").toBeLessThan(3000);
      expect(status).toBe(200);
      last = chaosOf(body);
      if (last?.reachable === false) break;
    }
    expect(last?.reachable).toBe(false);
    expect(last?.error).toBeTruthy();

    await chaos.start();
    await expect
      .poll(async () => chaosOf((await api.get<Body>("/api/instances")).body)?.reachable, { timeout: 10_000 })
      .toBe(true);
  });

  test("the health endpoint answers without authentication", async ({ api }) => {
    const { status, body } = await api.get<{ status: string; instances: { id: string }[] }>("/api/health");
    expect(status).toBe(200);
    expect(body.instances.map((i) => i.id).sort()).toEqual(["chaos", "cluster", "demo"]);
  });
});
