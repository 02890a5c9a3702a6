/** Where to go after signing in: only a page of this site, never another origin (open redirect). */
export function safeNext(next: string | null, origin: string): string {
  const home = `${origin}/`;
  if (!next?.startsWith("/")) return home;
  try {
    const url = new URL(next, origin);
    return url.origin === origin ? url.href : home;
  } catch {
    return home;
  }
}
