"use client";
// Whether this render may show what only the browser knows. False while React hydrates
// server-rendered HTML (so the first client render matches the server's), true after and for
// every render that is not a hydration (client navigations), without an extra effect pass.

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
