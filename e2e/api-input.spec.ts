// Bad input at the HTTP edge of the real built server: paths Next.js cannot decode, unknown API
// paths and wrong methods all answer JSON errors (never Next's HTML or plain-text pages), pages keep
// their behaviour, and a cross-site POST with a session is refused whatever X-Forwarded-* claim.
import type { APIResponse } from "@playwright/test";
import { expect, test } from "./fixtures";
import { e2eEnv, e2eTokens } from "./support/env";

const token = { authorization: `Bearer ${e2eTokens.admin}` };
const ownOrigin = `http://127.0.0.1:${e2eEnv.appPort}`;

async function expectJsonError(res: APIResponse, status: number, code: string, what: string) {
  expect(res.status(), what).toBe(status);
  expect(res.headers()["content-type"], what).toContain("application/json");
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error?.code, what).toBe(code);
  expect(typeof body.error?.message, what).toBe("string");
}

test.describe("the API answers malformed requests with JSON", () => {
  test("a path that is not valid percent-encoding answers 400 JSON, with or without a credential", async ({
    request,
  }) => {
    const paths = [
      "/api/instances/%ff%fe/overview",
      "/api/scans/%ff",
      "/api/scans/%ff/keys",
      "/api/actions/%",
      "/api/instances/demo/keys/%E0%A4%A",
      "/api/instances/%C0%AF/keys",
      "/api/no-such-route/%ff",
    ];
    for (const path of paths) {
      for (const headers of [{}, token]) {
        await expectJsonError(await request.get(path, { headers }), 400, "bad_request", `GET ${path}`);
        await expectJsonError(
          await request.post(path, { headers: { ...headers, origin: ownOrigin }, data: { mode: "fast" } }),
          400,
          "bad_request",
          `POST ${path}`,
        );
      }
    }
  });

  test("an unknown /api path answers 404 JSON for GET and POST; the real routes still win", async ({
    request,
  }) => {
    for (const path of [
      "/api/nope",
      "/api/instances/demo/nope",
      "/api/instances/demo/keys/aXNs/extra",
      "/api/scans/x/keys/y",
    ]) {
      for (const headers of [{}, token]) {
        await expectJsonError(await request.get(path, { headers }), 404, "not_found", `GET ${path}`);
        await expectJsonError(
          await request.post(path, { headers, data: { action: "flushdb" } }),
          404,
          "not_found",
          `POST ${path}`,
        );
      }
    }
    expect((await request.get("/api/health")).status()).toBe(200);
    const overview = await request.get("/api/instances/demo/overview", { headers: token });
    expect(overview.status()).toBe(200);
    expect(await overview.json()).toMatchObject({ id: "demo" });
    await expectJsonError(await request.get("/api/instances"), 401, "unauthenticated", "GET /api/instances");
  });

  test("a method a route does not serve answers 405 JSON with Allow", async ({ request }) => {
    const cases: [string, string, string][] = [
      ["DELETE", "/api/instances", "GET, HEAD, OPTIONS"],
      ["PUT", "/api/health", "GET, HEAD, OPTIONS"],
      ["GET", "/api/instances/demo/actions", "POST, OPTIONS"],
      ["PATCH", "/api/scans/no-such-scan", "GET, DELETE, HEAD, OPTIONS"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await request.fetch(path, { method, headers: token });
      await expectJsonError(res, 405, "method_not_allowed", `${method} ${path}`);
      expect(res.headers()["allow"], `${method} ${path}`).toBe(allow);
    }
  });

  test("bad query input answers 400 JSON: a cursor past 2^64-1, a loose date", async ({ api }) => {
    const cursor = await api.get<{ error: { code: string } }>(
      "/api/instances/demo/keys?cursor=18446744073709551616",
    );
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.code).toBe("bad_request");
    expect((await api.get("/api/instances/demo/keys?cursor=18446744073709551615")).status).toBe(200);
    const since = await api.get<{ error: { code: string } }>("/api/audit?since=99999-01-01");
    expect(since.status).toBe(400);
    expect(since.body.error.code).toBe("bad_request");
  });
});

test.describe("pages keep their behaviour", () => {
  test("signed in, pages render; signed out, they redirect to /login; /login itself is served", async ({
    page,
    userMenu,
    request,
  }) => {
    const home = await page.goto("/");
    expect(home?.status()).toBe(200);
    const overview = await page.goto("/i/demo");
    expect(overview?.status()).toBe(200);
    await expect(userMenu.name).toBeVisible();
    const unknown = await page.request.get("/i/no-such-instance");
    expect(unknown.status()).toBe(404);
    expect(unknown.headers()["content-type"]).toContain("text/html");

    const signedOut = await request.get("/i/demo/keys", { maxRedirects: 0 });
    expect(signedOut.status()).toBe(307);
    expect(signedOut.headers()["location"]).toMatch(/\/login\?next=%2Fi%2Fdemo%2Fkeys$/);
    const login = await request.get("/login");
    expect(login.status()).toBe(200);
    expect(login.headers()["content-type"]).toContain("text/html");
  });
});

test.describe("the cross-site check on the real server", () => {
  test("a POST with the session cookie from another origin is refused, whatever X-Forwarded-* say", async ({
    page,
  }) => {
    await page.goto("/");
    const post = (headers: Record<string, string>) =>
      page.request.post("/api/instances/demo/scans", { headers, data: { mode: "warp" } });
    const refused: Record<string, string>[] = [
      { origin: "http://evil.example", "x-forwarded-host": "evil.example" },
      { origin: "http://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" },
      // The same host with another scheme or port is another origin.
      { origin: ownOrigin.replace("http:", "https:"), "x-forwarded-proto": "https" },
      { origin: `http://127.0.0.1:${e2eEnv.appPort + 1}` },
      {
        origin: `http://127.0.0.1:${e2eEnv.appPort + 1}`,
        "x-forwarded-host": `127.0.0.1:${e2eEnv.appPort + 1}`,
      },
    ];
    for (const headers of refused) {
      const res = await post(headers);
      await expectJsonError(res, 403, "forbidden", JSON.stringify(headers));
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/cross-site/);
    }
    // The console's own origin passes the check and reaches the handler, which refuses the body.
    await expectJsonError(await post({ origin: ownOrigin }), 400, "bad_request", "same origin");
  });
});
