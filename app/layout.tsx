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
        <Providers>
          <TopNav />
          <main className="mx-auto max-w-[1400px] px-4 py-4">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
