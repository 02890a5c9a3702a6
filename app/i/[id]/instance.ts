// The instance an /i/[id] page is for: the layout and every page look it up the same way.
import "server-only";
import { notFound } from "next/navigation";
import { findInstance, type InstanceConfig } from "@/lib/config";

/** The configured instance the URL's id names (percent-decoded); unknown ids render not-found.tsx. */
export async function instanceFromParams(params: Promise<{ id: string }>): Promise<InstanceConfig> {
  const { id } = await params;
  const instance = findInstance(decodeURIComponent(id));
  if (!instance) notFound();
  return instance;
}
