import { Coming } from "@/components/ui/coming";

export default function KeysPage() {
  return <Coming title="Keys" what="prefix tree, pattern search and a value viewer for every type (issue 5)." />;
}
