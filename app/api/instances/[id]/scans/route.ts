import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { BadRequestError } from "@/lib/http/errors";
import { parseQuery, requireInstance, route } from "@/lib/http/route";
import { listScanJobs, startScan } from "@/lib/scan/jobs";
import { startScanBodySchema, type ScanListResponse } from "@/lib/schemas/scans";

async function readBody(req: NextRequest): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("request body is not valid JSON");
  }
}

/** Starts a scan: 202 { id }; 409 while one of this instance runs. */
export const POST = route<{ id: string }>(async (req, params) => {
  const instance = requireInstance(params.id);
  const body = startScanBodySchema.parse(await readBody(req));
  const started = await startScan(instance, { match: body.match, mode: body.mode, trigger: "manual" });
  return NextResponse.json(started, {
    status: 202,
    headers: { "cache-control": "no-store", location: `/api/scans/${started.id}` },
  });
});

const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Past and running scans of the instance, newest first, without their lists. */
export const GET = route<{ id: string }>(async (req, params): Promise<ScanListResponse> => {
  const instance = requireInstance(params.id);
  const { limit } = parseQuery(req, listQuerySchema);
  return { scans: listScanJobs(instance.id, limit) };
});
