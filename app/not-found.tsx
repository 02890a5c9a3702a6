import Link from "next/link";
import { Card } from "@/components/ui/card";

export default function NotFound() {
  return (
    <Card>
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-1 text-muted">No such page, or no instance with this id is configured.</p>
      <Link href="/" className="mt-3 inline-block text-accent hover:underline">
        All instances
      </Link>
    </Card>
  );
}
