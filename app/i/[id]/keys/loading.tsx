import { KeysSkeleton } from "@/components/keys/keys-skeleton";

export default function Loading() {
  return <KeysSkeleton />;
}
