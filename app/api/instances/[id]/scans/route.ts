import { NextResponse } from "next/server";
import { z } from "zod";
import { methods, parseQuery, requireInstance, route } from "@/lib/http/route";
import { listScanJobs, startScanRequest } from "@/lib/scan/jobs";
import type { ScanListResponse } from "@/lib/schemas/scans";

/** Starts a scan: 202 { id, auditId }; 409 while one of this instance runs; audited, allowed or refused. */
const post = route<{ id: string }>({ access: "guarded" }, async (req, params, principal) => {
  const instance = requireInstance(params.id);
  const started = await startScanRequest(principal, instance, await req.text());
  return NextResponse.json(started, {
    status: 202,
    headers: { "cache-control": "no-store", location: `/api/scans/${started.id}` },
  });
});

const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Past and running scans of the instance, newest first, without their lists. */
const get = route<{ id: string }>({ access: "read" }, async (req, params): Promise<ScanListResponse> => {
  const instance = requireInstance(params.id);
  const { limit } = parseQuery(req, listQuerySchema);
  return { scans: await listScanJobs(instance.id, limit) };
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ POST: post, GET: get });
