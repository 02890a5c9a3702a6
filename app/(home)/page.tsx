import { connection } from "next/server";
import { InstancesGrid } from "@/components/instances/instances-grid";
import { getConfig } from "@/lib/config";
import { probeAll } from "@/lib/metrics/instance-status";

export default async function HomePage() {
  await connection();
  const instances = await probeAll(getConfig().instances);
  return <InstancesGrid initial={{ instances }} />;
}
