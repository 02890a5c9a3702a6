"use client";
import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function OpsError(props: RouteErrorProps) {
  return <RouteError title="The ops page failed" {...props} />;
}
