"use client";
import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function InstancePageError(props: RouteErrorProps) {
  return <RouteError title="This page failed" {...props} />;
}
