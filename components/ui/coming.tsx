import { Card } from "./card";

/** Placeholder for a page whose issue has not landed yet; says which one. */
export function Coming({ title, what }: { title: string; what: string }) {
  return (
    <Card>
      <h1 className="text-lg font-semibold">{title}</h1>
      <p className="mt-1 text-muted">Coming: {what}</p>
    </Card>
  );
}
