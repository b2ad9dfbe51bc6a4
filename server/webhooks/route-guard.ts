import { isUuid } from "../ids";

/**
 * Per-channel webhook paths are `/api/webhooks/{telegram,vk}/<uuid>` and the Meta one is exactly
 * `/api/webhooks/meta`. Anything else under them — a segment Next.js cannot decode (`%ZZ`, `%`,
 * overlong UTF-8 `%C0%AF`), a non-uuid id, extra segments — names no channel: 404, decided on the raw path
 * before Next.js tries to decode it (which would otherwise answer 400 or 500).
 */
export function webhookPathProblem(pathname: string): string | undefined {
  const parts = pathname.replace(/\/+$/, "").split("/").slice(1); // ["api", "webhooks", provider, id?]
  const provider = parts[2];
  if (provider === "meta") return parts.length === 3 ? undefined : "unknown webhook path";
  if (provider !== "telegram" && provider !== "vk") return undefined;
  if (parts.length !== 4) return "unknown channel";
  let id: string;
  try {
    id = decodeURIComponent(parts[3]!);
  } catch {
    return "unknown channel";
  }
  return isUuid(id) ? undefined : "unknown channel";
}

/** The 404 a webhook path that names no channel gets (the same body the handlers answer). */
export const webhookNotFound = (reason: string) => Response.json({ ok: false, error: reason }, { status: 404 });
