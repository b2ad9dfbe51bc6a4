/**
 * Domain errors thrown by services. One tRPC middleware maps them to tRPC errors (server/api/trpc.ts);
 * route handlers map them to HTTP statuses. `messageKey` names a catalog entry, so users read words in
 * their language and never a provider's raw text.
 */
export type DomainErrorCode = "not_found" | "forbidden" | "conflict" | "invalid" | "precondition_failed" | "unavailable";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly messageKey: string,
    message?: string,
  ) {
    super(message ?? messageKey);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("not_found", "errors.notFound", `${what} not found`);
export const forbidden = () => new DomainError("forbidden", "errors.forbidden");
