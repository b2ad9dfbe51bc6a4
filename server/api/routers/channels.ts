import { z } from "zod";
import { checkTelegramToken } from "../../services/channels/check-telegram-token";
import { connectTelegramBot } from "../../services/channels/connect-telegram-bot";
import { connectVkCommunity } from "../../services/channels/connect-vk-community";
import { deleteChannel } from "../../services/channels/delete-channel";
import { disconnectChannel } from "../../services/channels/disconnect-channel";
import { getChannelDetails } from "../../services/channels/get-channel-details";
import { getChannelHealth } from "../../services/channels/get-channel-health";
import { getChannelRecovery } from "../../services/channels/history-recovery";
import { listChannels, listLostChannels } from "../../services/channels/list-channels";
import { listLineChoices } from "../../services/channels/list-line-choices";
import { moveChannel } from "../../services/channels/move-channel";
import { CHANNEL_NAME_MAX, renameChannel } from "../../services/channels/rename-channel";
import { reconnectChannel } from "../../services/channels/reconnect-channel";
import { startChannel } from "../../services/channels/start-channel";
import { stopChannel } from "../../services/channels/stop-channel";
import { listChannelContacts } from "../../services/contacts/list-channel-contacts";
import { setContactBanned } from "../../services/contacts/set-contact-banned";
import { adminProcedure, companyProcedure, createTRPCRouter } from "../trpc";

const channelId = z.object({ channelId: z.string().min(1).max(64) });
const id = z.string().min(1).max(64);
/** An existing line, or one created on the spot (when every line already has a bot, or the admin wants a new one). */
const lineChoice = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("existing"), lineId: id }),
  z.object({ kind: z.literal("new"), name: z.string().trim().min(1).max(100) }),
]);
// Secrets arrive from the browser once and are never sent back; the limits only keep bodies small.
const secret = (max: number) => z.string().max(max);

export const channelsRouter = createTRPCRouter({
  list: adminProcedure
    .input(z.object({ includeStopped: z.boolean().default(false) }))
    .query(({ ctx, input }) => listChannels({ ctx: ctx.service, input })),

  /** The channels that lost their connection, counted and listed next to Settings: for admins, who can act on them. */
  needsAttention: companyProcedure.query(async ({ ctx }) => (ctx.user.role === "admin" ? listLostChannels({ ctx: ctx.service }) : [])),

  details: adminProcedure.input(channelId).query(({ ctx, input }) => getChannelDetails({ ctx: ctx.service, input })),
  /** The Details page's health: a 30-day timeline, the incidents with recovered counts, the current warning. */
  health: adminProcedure.input(channelId).query(({ ctx, input }) => getChannelHealth({ ctx: ctx.service, input })),
  /** The Details page's history recovery after a reconnect: under way ("12 of ~40") or how it ended. */
  recovery: adminProcedure.input(channelId).query(({ ctx, input }) => getChannelRecovery({ ctx: ctx.service, input })),

  lineChoices: adminProcedure.query(({ ctx }) => listLineChoices({ ctx: ctx.service })),

  checkTelegramToken: adminProcedure
    .input(z.object({ token: secret(200) }))
    .mutation(({ ctx, input }) => checkTelegramToken({ ctx: ctx.service, input })),

  connectTelegram: adminProcedure
    .input(z.object({ token: secret(200), line: lineChoice, takeOver: z.boolean().optional() }))
    .mutation(({ ctx, input }) => connectTelegramBot({ ctx: ctx.service, input })),

  connectVk: adminProcedure
    .input(z.object({ communityId: z.string().max(40), confirmationCode: z.string().max(64), accessToken: secret(400), secret: secret(60), line: lineChoice }))
    .mutation(({ ctx, input }) => connectVkCommunity({ ctx: ctx.service, input })),

  stop: adminProcedure.input(channelId).mutation(({ ctx, input }) => stopChannel({ ctx: ctx.service, input })),
  start: adminProcedure.input(channelId).mutation(({ ctx, input }) => startChannel({ ctx: ctx.service, input })),
  rename: adminProcedure
    .input(channelId.extend({ name: z.string().max(CHANNEL_NAME_MAX * 2) }))
    .mutation(({ ctx, input }) => renameChannel({ ctx: ctx.service, input })),
  move: adminProcedure.input(channelId.extend({ lineId: id })).mutation(({ ctx, input }) => moveChannel({ ctx: ctx.service, input })),
  disconnect: adminProcedure.input(channelId).mutation(({ ctx, input }) => disconnectChannel({ ctx: ctx.service, input })),
  delete: adminProcedure.input(channelId).mutation(({ ctx, input }) => deleteChannel({ ctx: ctx.service, input })),
  /** Details → Reconnect (F2): Telegram re-registers its webhook; a revoked bot takes a new token of the same bot. */
  reconnect: adminProcedure
    // Replacement credentials are optional, never echoed back and never logged.
    .input(channelId.extend({ token: secret(200).optional(), accessToken: secret(400).optional(), confirmationCode: z.string().max(64).optional(), secret: secret(60).optional() }))
    .mutation(({ ctx, input }) => reconnectChannel({ ctx: ctx.service, input })),

  contacts: adminProcedure
    .input(channelId.extend({ search: z.string().max(100).optional(), page: z.number().int().min(1).max(100_000).default(1) }))
    .query(({ ctx, input }) => listChannelContacts({ ctx: ctx.service, input })),
  banContact: adminProcedure
    .input(z.object({ contactId: id }))
    .mutation(({ ctx, input }) => setContactBanned({ ctx: ctx.service, input: { contactId: input.contactId, banned: true } })),
  unbanContact: adminProcedure
    .input(z.object({ contactId: id }))
    .mutation(({ ctx, input }) => setContactBanned({ ctx: ctx.service, input: { contactId: input.contactId, banned: false } })),
});
