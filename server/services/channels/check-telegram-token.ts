import type { ServiceContext } from "../context";
import { assertBotMayConnect, botForToken, foreignWebhookHost } from "./telegram-connection-rules";

/**
 * The first step of connecting a bot (F6): getMe shows whose token it is, and the refusals that do not depend
 * on the line come now rather than after the admin chose one. A webhook of another program is named (its host)
 * so the admin decides before taking the bot's updates from it. The token is not stored and not returned.
 */
export async function checkTelegramToken({ ctx, input }: { ctx: ServiceContext; input: { token: string } }) {
  const bot = await botForToken(input.token.trim());
  await assertBotMayConnect(ctx.db, ctx.companyId, String(bot.id));
  const token = input.token.trim();
  return { botId: String(bot.id), name: bot.first_name, username: bot.username, webhookElsewhere: (await foreignWebhookHost(token)) ?? null };
}
