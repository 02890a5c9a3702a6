"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { useMe } from "./use-me";

const methodLabel = { session: "signed in", token: "API token", proxy: "single sign-on" } as const;

/** The signed-in user, their role and a sign-out button, at the right of the top nav. */
export function UserMenu() {
  const { data: me } = useMe();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  if (!me) return null;

  async function signOut() {
    setBusy(true);
    try {
      await fetch("/api/auth/logout", { method: "POST" });
    } finally {
      queryClient.clear();
      window.location.replace(`${window.location.origin}/login`);
    }
  }

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
        <button
          type="button"
          onClick={signOut}
          disabled={busy}
          className="border-line text-muted hover:text-fg rounded border px-2 py-1 disabled:opacity-50"
        >
          Sign out
        </button>
      ) : null}
    </div>
  );
}
