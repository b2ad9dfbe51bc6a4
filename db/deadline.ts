/** A database call that did not answer within its deadline: the caller answers "unavailable", as for an outage. */
export class DatabaseDeadlineError extends Error {
  readonly code = "CONNECT_TIMEOUT";
  constructor(readonly what: string, readonly ms: number) {
    super(`${what}: no answer from the database within ${ms} ms`);
    this.name = "DatabaseDeadlineError";
  }
}

/**
 * Stops waiting for `work` after `ms`. The query itself is not cancelled — postgres.js cannot take back a query
 * queued for a connection — so use it only where running late is harmless (storing a webhook the provider will
 * redeliver, deduplicated; a health check), to answer the caller in time.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseDeadlineError(what, ms)), ms);
    timer.unref?.();
  });
  // A late result or failure is dropped, never an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
