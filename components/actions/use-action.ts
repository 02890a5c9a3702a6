"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/lib/http/fetch-json";
import {
  actionJobSchema,
  actionResultSchema,
  type ActionBodyInput,
  type ActionJob,
  type ActionResult,
} from "@/lib/schemas/actions";

export type ActionAnswer = { kind: "result"; result: ActionResult } | { kind: "job"; job: ActionJob };

const answerSchema = actionResultSchema.or(actionJobSchema);

/** POSTs one action; a 200 answers the result, a 202 the bulk job. Refreshes keys and audit after. */
export function useAction(instanceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ActionBodyInput): Promise<ActionAnswer> => {
      const answer = await fetchJson(`/api/instances/${encodeURIComponent(instanceId)}/actions`, answerSchema, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return "status" in answer ? { kind: "job", job: answer } : { kind: "result", result: answer };
    },
    onSuccess: (answer) => {
      if (answer.kind === "result" && answer.result.dryRun) return;
      void queryClient.invalidateQueries({ queryKey: ["key", instanceId] });
      void queryClient.invalidateQueries({ queryKey: ["keys", instanceId] });
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
    },
  });
}
