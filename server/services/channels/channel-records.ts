/**
 * What the channel verbs share: finding a channel of the acting company, its webhook URL, the audit rows on its
 * Details page, telling the company's browsers, and the refusals every verb words the same way.
 */
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { channelHistory, channels, lines } from "../../../db/schema";
import { env } from "../../env.js";
import { DomainError } from "../../errors";
import { publishToCompany } from "../../realtime/publish";
import type { ServiceContext } from "../context";

export type Channel = typeof channels.$inferSelect;
export type HistoryDetail = Record<string, string | number | boolean | null>;

const webhookPath: Record<Channel["provider"], (id: string) => string> = {
  telegram: (id) => `/api/webhooks/telegram/${id}`,
  vk: (id) => `/api/webhooks/vk/${id}`,
  messenger: () => `/api/webhooks/meta`,
  instagram: () => `/api/webhooks/meta`,
};

/** The address a provider posts this channel's events to, built from APP_URL (what admins paste or we register). */
export function webhookUrlFor(provider: Channel["provider"], channelId: string): string {
  return `${env().APP_URL}${webhookPath[provider](channelId)}`;
}

export const channelNotFound = () => new DomainError("not_found", "channelsAdmin.error.channelNotFound", "channel not found");
export const lineNotFound = () => new DomainError("not_found", "channelsAdmin.error.lineNotFound", "line not found");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The acting company's channel, or a not-found refusal (another company's id is simply not found). */
export async function findCompanyChannel(db: DbOrTx, companyId: string, channelId: string, opts: { lock?: boolean } = {}): Promise<Channel> {
  if (!UUID.test(channelId)) throw channelNotFound();
  const query = db.select().from(channels).where(and(eq(channels.id, channelId), eq(channels.companyId, companyId)));
  const [channel] = opts.lock ? await query.for("update") : await query;
  if (!channel) throw channelNotFound();
  return channel;
}

export async function findCompanyLine(db: DbOrTx, companyId: string, lineId: string) {
  if (!UUID.test(lineId)) throw lineNotFound();
  const [line] = await db.select().from(lines).where(and(eq(lines.id, lineId), eq(lines.companyId, companyId)));
  if (!line) throw lineNotFound();
  return line;
}

/** The user behind an admin action, or null when the product itself acted (a webhook, a job). */
export function actorUserId(ctx: Pick<ServiceContext, "actor">): string | null {
  return ctx.actor.kind === "user" ? ctx.actor.userId : null;
}

/** One row of the channel's audit (its Details page): every admin action and every status change. */
export async function recordChannelHistory(db: DbOrTx, row: { companyId: string; channelId: string; actorUserId: string | null; action: string; detail?: HistoryDetail }) {
  await db.insert(channelHistory).values({ ...row, detail: row.detail ?? {} });
}

/** After commit: every admin's open Settings and the red dot next to it refresh (app/_components/live-queries.tsx). */
export function announceChannel(companyId: string, channel: { id: string; status: string }): Promise<void> {
  return publishToCompany(companyId, [{ name: "channel.status_changed", data: { channelId: channel.id, status: channel.status } }]);
}

/** A unique-index violation (postgres 23505) on the named index, however the driver wrapped it. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const name = (e as { constraint_name?: unknown; constraint?: unknown }).constraint_name ?? (e as { constraint?: unknown }).constraint;
    if (code === "23505" && name === constraint) return true;
  }
  return false;
}
