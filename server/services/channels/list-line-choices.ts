import { and, asc, eq } from "drizzle-orm";
import { channels, lines } from "../../../db/schema";
import { env } from "../../env.js";
import type { ServiceContext } from "../context";

/**
 * Lines for the connect and move forms, each with its Telegram bot if it has one (a line has at most one), and
 * how many bots the company has against its limit (seed 001).
 */
export async function listLineChoices({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db.select({ id: lines.id, name: lines.name }).from(lines).where(eq(lines.companyId, ctx.companyId)).orderBy(asc(lines.name));
  const bots = await ctx.db
    .select({ id: channels.id, name: channels.name, lineId: channels.lineId, settings: channels.settings })
    .from(channels)
    .where(and(eq(channels.companyId, ctx.companyId), eq(channels.provider, "telegram")));
  return {
    lines: rows.map((line) => {
      const bot = bots.find((b) => b.lineId === line.id);
      return { ...line, telegramBot: bot ? { channelId: bot.id, name: bot.name, username: bot.settings.username ?? null } : null };
    }),
    telegramBots: bots.length,
    telegramBotLimit: env().TELEGRAM_BOTS_PER_COMPANY,
  };
}
