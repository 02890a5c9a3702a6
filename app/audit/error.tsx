"use client";
import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function AuditError(props: RouteErrorProps) {
  return <RouteError title="The audit log failed" {...props} />;
}
