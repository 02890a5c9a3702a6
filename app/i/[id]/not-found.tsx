import Link from "next/link";
import { Card } from "@/components/ui/card";

export default function InstanceNotFound() {
  return (
    <Card>
      <h1 className="text-lg font-semibold">Unknown instance</h1>
      <p className="text-muted mt-1">No instance with this id is configured.</p>
      <Link href="/" className="text-accent mt-3 inline-block hover:underline">
        All instances
      </Link>
    </Card>
  );
}
