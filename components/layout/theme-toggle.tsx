"use client";

import { useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";

type Theme = "light" | "dark";

function current(): Theme {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}

/**
 * The button names what it does, not the current state: "Dark theme" in the light theme, "Light
 * theme" in the dark one. Its visible label is its accessible name (no aria-label to drift from it).
 */
export function ThemeToggle() {
  const theme = useSyncExternalStore<Theme | null>(subscribe, current, () => null);
  const next: Theme = theme === "dark" ? "light" : "dark";
  return (
    <Button
      variant="quiet"
      className="shrink-0 text-xs"
      data-testid="theme-toggle"
      onClick={() => {
        document.documentElement.dataset.theme = next;
        try {
          localStorage.setItem("isl-theme", next);
        } catch {
          // Private mode: the choice lasts for this page only.
        }
      }}
    >
      {theme === null ? "Theme" : next === "dark" ? "Dark theme" : "Light theme"}
    </Button>
  );
}

/** Inline script run before paint, so a dark-theme user never sees a white flash. */
export const themeScript = `(function(){try{var t=localStorage.getItem("isl-theme");if(t!=="light"&&t!=="dark"){t=matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light"}document.documentElement.dataset.theme=t}catch(e){}})();`;
