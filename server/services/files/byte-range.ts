/**
 * An HTTP Range header against a file of `size` bytes (RFC 9110 §14.1.2): one range `start-end`, `start-` or `-suffix`.
 * null: no usable range (not bytes, malformed, or several ranges) — the whole file is answered, as the RFC allows.
 * "unsatisfiable": a well-formed range that starts past the end (416).
 */
export function parseByteRange(header: string, size: number): { start: number; end: number } | null | "unsatisfiable" {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? Infinity : Number(m[2]);
  if (end < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}
