import type { ServiceContext } from "../context";
import { assertBotMayConnect, botForToken } from "./telegram-connection-rules";

/**
 * The first step of connecting a bot (F6): getMe shows whose token it is, and the refusals that do not depend
 * on the line come now rather than after the admin chose one. The token is not stored and not returned.
 */
export async function checkTelegramToken({ ctx, input }: { ctx: ServiceContext; input: { token: string } }) {
  const bot = await botForToken(input.token.trim());
  await assertBotMayConnect(ctx.db, ctx.companyId, String(bot.id));
  return { botId: String(bot.id), name: bot.first_name, username: bot.username };
}
