"use client";
import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function TtlError(props: RouteErrorProps) {
  return <RouteError title="The TTL page failed" {...props} />;
}
