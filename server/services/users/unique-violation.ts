/** A unique-index violation (postgres 23505) on the named index, however the driver wrapped it. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const name = (e as { constraint_name?: unknown }).constraint_name ?? (e as { constraint?: unknown }).constraint;
    if (code === "23505" && name === constraint) return true;
  }
  return false;
}
