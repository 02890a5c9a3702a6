// GET /api/instances/{id}/review?format=json|csv|md[&download=1]: the weekly review of the latest
// finished scan. `download=1` adds Content-Disposition: attachment with a file name.
import { NextResponse } from "next/server";
import { route, parseQuery, requireInstance, methods } from "@/lib/http/route";
import { renderReview, reviewFileName, REVIEW_CONTENT_TYPES } from "@/lib/review/export";
import { loadReview } from "@/lib/review/load";
import { reviewQuerySchema } from "@/lib/schemas/review";

const get = route<{ id: string }>({ access: "read" }, async (req, params) => {
  const instance = requireInstance(params.id);
  const query = parseQuery(req, reviewQuerySchema);
  const review = await loadReview(instance);
  const download = query.download === "1" || query.download === "true";
  if (query.format === "json" && !download) return review;
  const headers: Record<string, string> = {
    "content-type": REVIEW_CONTENT_TYPES[query.format],
    "cache-control": "no-store",
  };
  if (download)
    headers["content-disposition"] = `attachment; filename="${reviewFileName(review, query.format)}"`;
  return new NextResponse(renderReview(review, query.format), { headers });
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = methods({ GET: get });
