import { Coming } from "@/components/ui/coming";

export default function LoginPage() {
  return <Coming title="Sign in" what="local users, API tokens and SSO through a trusted proxy (issue 6)." />;
}
