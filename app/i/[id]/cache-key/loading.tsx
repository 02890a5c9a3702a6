import { CacheKeySkeleton } from "@/components/cache-key/cache-key-skeleton";

export default function Loading() {
  return <CacheKeySkeleton />;
}
