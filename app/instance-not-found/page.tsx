import InstanceNotFound from "@/app/i/[id]/not-found";

export default function Page() {
  return <InstanceNotFound />;
}
