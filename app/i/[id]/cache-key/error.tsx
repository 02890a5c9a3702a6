"use client";
import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function CacheKeyError(props: RouteErrorProps) {
  return <RouteError title="The cache-key calculator failed" {...props} />;
}
