import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { TopNav } from "@/components/layout/top-nav";
import { themeScript } from "@/components/layout/theme-toggle";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ISL Redis Console", template: "%s · ISL Redis Console" },
  description: "Triage and keyspace hygiene for ISL's Redis cache",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen antialiased">
        {/* The first tab stop: past the nav to the page itself (main takes focus: tabIndex -1). */}
        <a
          href="#main"
          className="bg-panel text-fg border-accent sr-only z-50 rounded border-2 px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          Skip to content
        </a>
        <Providers>
          <TopNav />
          <main id="main" tabIndex={-1} className="mx-auto max-w-[1400px] px-4 py-4 focus:outline-none">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
