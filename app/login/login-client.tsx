"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useEffect, useRef, type FormEvent } from "react";
import { apiUrl, postJson } from "@/components/api";
import { safeNext } from "@/components/auth/safe-next";
import { useMe } from "@/components/auth/use-me";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { ApiClientError } from "@/lib/http/fetch-json";
import { loginResponseSchema } from "@/lib/schemas/auth";

export function LoginClient() {
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const next = params.get("next");
  // One navigation only: once signed in, clearing the cache makes /api/auth/me answer with the new
  // session, and a second navigation from the effect below would abort the first one mid-load.
  const leaving = useRef(false);
  function leave(how: "assign" | "replace") {
    if (leaving.current) return;
    leaving.current = true;
    window.location[how](safeNext(next, window.location.origin));
  }
  const signIn = useMutation({
    mutationFn: (body: Record<"username" | "password", FormDataEntryValue | null>) =>
      postJson(apiUrl.login(), body, loginResponseSchema),
    onSuccess: () => {
      queryClient.clear();
      // A full navigation, so the page is rendered for the new session from the start.
      leave("assign");
    },
  });
  // Still busy once signed in: the form stays on screen until the navigation replaces the page.
  const busy = signIn.isPending || signIn.isSuccess;
  const error =
    signIn.error === null
      ? null
      : signIn.error instanceof ApiClientError
        ? signIn.error.message
        : "the console did not answer; try again";
  const { data: me } = useMe();

  // The cookie is SameSite=Strict, so a link from chat or a runbook lands here even when signed in;
  // this page's own request carries the cookie, so go on to where the link pointed.
  useEffect(() => {
    if (me) leave("replace");
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({ username: form.get("username"), password: form.get("password") });
  }

  return (
    <div className="mx-auto mt-16 max-w-sm">
      <Card>
        <h1 className="text-lg font-semibold">Sign in</h1>
        <p className="text-muted mt-1 text-xs">ISL Redis Console. Ask an admin for an account.</p>
        <form className="mt-4 flex flex-col gap-3" onSubmit={onSubmit} noValidate>
          <label className="flex flex-col gap-1 text-sm">
            User name
            <input
              name="username"
              autoComplete="username"
              required
              autoFocus
              className="border-line bg-sunken text-fg rounded border px-2 py-1.5"
            />
          </label>
          <label className="flex flex-col gap-1 text-sm">
            Password
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              className="border-line bg-sunken text-fg rounded border px-2 py-1.5"
            />
          </label>
          {error ? (
            <p role="alert" className="border-bad/40 bg-bad-soft text-bad rounded border px-2 py-1.5 text-sm">
              {error}
            </p>
          ) : null}
          <Button type="submit" disabled={busy} variant="primary">
            {busy ? "Signing in..." : "Sign in"}
          </Button>
        </form>
      </Card>
    </div>
  );
}
