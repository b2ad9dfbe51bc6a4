/**
 * A request its client abandoned — a closed tab, a navigation, a dropped connection mid-upload: Node.js fails the
 * request's body with `Error: aborted` (code ECONNRESET), and Next.js logs whatever a route then throws as a
 * server error ("⨯ Error: aborted"). Nothing failed on our side, so it is not logged as an error.
 */
export function isClientAbort(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === "ECONNRESET" && (message === "aborted" || (e as { syscall?: unknown }).syscall === undefined)) return true;
  }
  return false;
}

/**
 * Leaves out of `target.error` (the console, where Next.js writes "⨯ <error>") every line that carries a client
 * abort; everything else is written as before. Installed once per server process (instrumentation.ts).
 */
export function quietClientAborts(target: Pick<Console, "error"> = console): void {
  const marked = target as { error: Console["error"] & { quietClientAborts?: true } };
  if (marked.error.quietClientAborts) return;
  const original = target.error.bind(target);
  const filtered = Object.assign((...args: unknown[]) => {
    if (args.some(isClientAbort)) return;
    original(...args);
  }, { quietClientAborts: true as const });
  marked.error = filtered;
}
