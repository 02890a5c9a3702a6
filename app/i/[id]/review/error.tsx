"use client";
import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function ReviewError(props: RouteErrorProps) {
  return <RouteError title="The review failed" {...props} />;
}
