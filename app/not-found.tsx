import Link from "next/link";
import { Card } from "@/components/ui/card";

export default function NotFound() {
  return (
    <Card>
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="text-muted mt-1">No such page, or no instance with this id is configured.</p>
      <Link href="/" className="text-accent mt-3 inline-block hover:underline">
        All instances
      </Link>
    </Card>
  );
}
