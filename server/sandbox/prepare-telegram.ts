import { eq } from "drizzle-orm";
import type { Database } from "../../db";
import { channels } from "../../db/schema";
import type { TelegramCredentials } from "../channels/telegram/credentials";
import { open } from "../crypto/secret-box";
import { botNameFromUsername, type TelegramFake } from "./telegram-fake";

/**
 * Makes the Telegram fake agree with the database, as real Telegram would for real bots: each bot keeps its own
 * name (getMe answers the username the database knows, so a reconnect never renames it), working bots have
 * their webhook pointed at this app with their secret (as connecting them did), and a bot whose token the
 * database knows as revoked is revoked in the fake too — its new token waiting at BotFather (the Sandbox page
 * shows it) — so health probes in the sandbox and the browser tests find the truth instead of raising alarms
 * about bots that were never registered.
 */
export async function prepareTelegramFake(db: Database, fake: Pick<TelegramFake, "url" | "revoke" | "bots" | "tokens">, appUrl: string): Promise<void> {
  const bots = await db.select().from(channels).where(eq(channels.provider, "telegram"));
  for (const bot of bots) {
    const { botToken, webhookSecret } = open<TelegramCredentials>(bot.credentials);
    const botId = botToken.split(":")[0] ?? "";
    const username = bot.settings.username ?? bot.name.replace(/^@/, "");
    if (!fake.bots.has(botId)) fake.bots.set(botId, { firstName: botNameFromUsername(username), username });
    if (!fake.tokens.has(botId)) fake.tokens.set(botId, botToken);
    if (bot.status === "disconnected" && bot.statusReason === "token_revoked") {
      fake.revoke(botToken);
      continue;
    }
    if (bot.status !== "active") continue;
    await fetch(`${fake.url}/bot${botToken}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `${appUrl}/api/webhooks/telegram/${bot.id}`, secret_token: webhookSecret }),
    });
  }
}
