"use client";

import { useEffect, useState } from "react";
import { formatDuration } from "@/lib/format";

/** The TTL Redis gave at `receivedAt` (browser clock, ms), counting down each second. */
export function TtlCountdown({ ttl, receivedAt }: { ttl: number; receivedAt: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (ttl < 0) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ttl]);
  if (ttl < 0) return <span className="text-bad font-semibold">no TTL (never expires)</span>;
  const left = Math.max(0, ttl - Math.floor((now - receivedAt) / 1000));
  if (left === 0) return <span className="text-warn font-semibold">expired</span>;
  return (
    <span className="tabular" data-testid="ttl-countdown" title={`${left} s`}>
      {formatDuration(left)}
    </span>
  );
}
