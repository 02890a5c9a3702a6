"use client";

import { useMutation } from "@tanstack/react-query";
import { apiUrl, postJson, stopRequests } from "@/components/api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { logoutResponseSchema } from "@/lib/schemas/auth";
import { useMe } from "./use-me";

const methodLabel = { session: "signed in", token: "API token", proxy: "single sign-on" } as const;

/** The signed-in user, their role and a sign-out button, at the right of the top nav. */
export function UserMenu() {
  const { data: me } = useMe();
  // Off to sign-in whatever the answer: a 503 still cleared the cookie in this browser. Once the
  // sign-out request has left, this page sends nothing more (its data would come back 401); the
  // full navigation then drops every query with the page.
  const signOut = useMutation({
    mutationFn: async () => {
      const answer = postJson(apiUrl.logout(), {}, logoutResponseSchema);
      stopRequests();
      return answer;
    },
    onSettled: () => {
      window.location.replace(`${window.location.origin}/login`);
    },
  });
  if (!me) return null;

  return (
    <div className="flex min-w-0 items-center gap-2 text-xs" data-testid="user-menu">
      <span className="text-fg max-w-[12rem] truncate" title={methodLabel[me.method]} data-testid="user-name">
        {me.name}
      </span>
      <Badge
        tone={me.role === "admin" ? "bad" : me.role === "operator" ? "warn" : "neutral"}
        data-testid="user-role"
      >
        {me.role}
      </Badge>
      {me.method === "session" ? (
        <Button onClick={() => signOut.mutate()} disabled={!signOut.isIdle} variant="quiet">
          Sign out
        </Button>
      ) : null}
    </div>
  );
}
