import type { ProviderError } from "../../db/schema";
import type { ClassifiedError } from "./types";

/** Builds the ClassifiedError results of one provider error: `as("retry_later", "retrying", { retryAfterSeconds })`. */
export function classifying(error: ProviderError) {
  return (cls: ClassifiedError["class"], reason: string, extra: Partial<ClassifiedError> = {}): ClassifiedError => ({
    class: cls,
    reason,
    providerError: error,
    ...extra,
  });
}
