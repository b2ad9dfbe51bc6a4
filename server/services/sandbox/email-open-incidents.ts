import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../db";
import { channelIncidents, channels } from "../../../db/schema";
import { emailIncident } from "../channels/mark-channel-disconnected";

/**
 * The demo's lost channels were seeded lost, not lost while the app watched: this sends each open incident the
 * "lost its connection" email the loss would have sent (the same email, through the same path — queued, then
 * delivered or kept for the Mailbox), dated from when the incident opened. So the Mailbox shows them, and
 * reconnecting sends "connected again" as after any emailed loss. An incident already emailed is skipped.
 */
export async function emailOpenIncidents(db: Database, opts: { companyId?: string } = {}): Promise<number> {
  const open = await db
    .select({ incident: channelIncidents, channel: channels })
    .from(channelIncidents)
    .innerJoin(channels, eq(channels.id, channelIncidents.channelId))
    .where(and(isNull(channelIncidents.resolvedAt), eq(channels.status, "disconnected"), opts.companyId ? eq(channels.companyId, opts.companyId) : undefined));
  let sent = 0;
  for (const { incident, channel } of open) {
    const emailed = await db.transaction((tx) => emailIncident(tx, channel, incident.id, incident.reasonCode, incident.openedAt));
    if (emailed) sent++;
  }
  return sent;
}
