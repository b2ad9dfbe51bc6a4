"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "../../../../../_lib/trpc";
import { useErrorWords } from "../../_components/shared";

/** Starts (or resumes) the Meta wizard and opens it; a refusal comes back in words. */
export function useStartWizard() {
  const trpc = useTRPC();
  const router = useRouter();
  const errorWords = useErrorWords();
  const [error, setError] = useState<string | null>(null);
  const start = useMutation(
    trpc.metaWizard.start.mutationOptions({
      onSuccess: (r) => router.push(`/settings/channels/reauthorize/${r.attemptId}`),
      onMutate: () => setError(null),
      onError: (e) => setError(errorWords(e)),
    }),
  );
  return { start, error };
}
