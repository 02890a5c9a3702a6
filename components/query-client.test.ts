import { describe, expect, it, vi } from "vitest";
import { ApiClientError } from "@/lib/http/fetch-json";
import { newQueryClient, signInAgainUrl } from "./query-client";

const here = { origin: "http://console.test", pathname: "/i/demo/ttl", search: "?list=noTtl&q=a b" };
const expired = new ApiClientError(401, "unauthenticated", "sign in");

describe("a session that ends while a page is open", () => {
  it("a 401 goes to sign-in, then back to the same page and query", () => {
    const url = signInAgainUrl(expired, here);
    expect(url).toBeDefined();
    const parsed = new URL(url ?? "");
    expect(parsed.origin).toBe("http://console.test");
    expect(parsed.pathname).toBe("/login");
    expect(parsed.searchParams.get("next")).toBe("/i/demo/ttl?list=noTtl&q=a b");
  });

  it("other errors, and a 401 on the sign-in page itself (a wrong password), stay put", () => {
    expect(signInAgainUrl(new ApiClientError(403, "forbidden", "no"), here)).toBeUndefined();
    expect(signInAgainUrl(new Error("401"), here)).toBeUndefined();
    expect(signInAgainUrl(expired, { ...here, pathname: "/login", search: "?next=%2F" })).toBeUndefined();
  });

  it("a 401 on a write signs out the same way as a 401 on a read", async () => {
    const onError = vi.fn();
    const client = newQueryClient(onError);
    await client
      .fetchQuery({ queryKey: ["read"], queryFn: () => Promise.reject(expired), retry: false })
      .catch(() => undefined);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenLastCalledWith(expired, expect.anything());

    const write = client.getMutationCache().build(client, { mutationFn: () => Promise.reject(expired) });
    await write.execute(undefined).catch(() => undefined);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenLastCalledWith(expired, undefined, undefined, write, expect.anything());
  });
});
