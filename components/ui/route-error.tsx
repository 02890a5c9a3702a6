"use client";

// The body of every route segment's error.tsx: what failed, the message, the digest Next gives
// server errors, and a Retry that re-renders the segment.
import { Card } from "./card";
import { Button } from "./button";

export interface RouteErrorProps {
  error: Error & { digest?: string };
  reset: () => void;
}

export function RouteError({
  title,
  level = 2,
  error,
  reset,
}: RouteErrorProps & { title: string; level?: 1 | 2 }) {
  const Heading = level === 1 ? "h1" : "h2";
  return (
    <Card className="border-bad/60">
      <Heading className={level === 1 ? "text-bad text-lg font-semibold" : "text-bad font-semibold"}>
        {title}
      </Heading>
      <p className="mt-1">{error.message || "The page could not be rendered."}</p>
      {error.digest ? <p className="text-muted mt-1 font-mono text-xs">digest {error.digest}</p> : null}
      <Button onClick={reset} size="sm" className="mt-3">
        Retry
      </Button>
    </Card>
  );
}
