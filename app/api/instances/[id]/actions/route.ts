import { NextResponse } from "next/server";
import { performAction } from "@/lib/actions/perform";
import { requireInstance, route, methods } from "@/lib/http/route";

/**
 * A guarded action (expire, delete, fix-ttl, delete-pattern, flushdb): 200 with the audit id and
 * outcome, 202 with the job of a bulk run; 400/403/409 refusals and 503 are audited too.
 */
const post = route<{ id: string }>({ access: "guarded" }, async (req, params, principal) => {
  const instance = requireInstance(params.id);
  // The request's signal stops a dry run's walk when the client goes away (page closed, cancel).
  const result = await performAction(instance, principal, await req.text(), req.signal);
  if (result.status === 200) return result.body;
  return NextResponse.json(result.body, {
    status: 202,
    headers: { "cache-control": "no-store", location: `/api/actions/${result.body.id}` },
  });
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ POST: post });
