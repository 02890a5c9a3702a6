"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiUrl, postJson, queryKeys } from "@/components/api";
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
      const answer = await postJson(apiUrl.instance(instanceId).actions(), body, answerSchema);
      return "status" in answer ? { kind: "job", job: answer } : { kind: "result", result: answer };
    },
    onSuccess: (answer) => {
      if (answer.kind === "result" && answer.result.dryRun) return;
      // Key pages and key details alike.
      void queryClient.invalidateQueries({ queryKey: queryKeys.instance(instanceId).keys.all() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.audit.all() });
    },
  });
}
