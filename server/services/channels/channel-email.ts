import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { channels, companies } from "../../../db/schema";
import { env } from "../../env.js";
import { isLocale, type Locale } from "../../i18n";

/**
 * Where a channel's health emails go and what every one of them names: the company's registration email, in the
 * company's language, with the channel and a link to its Details page. Undefined when the company is gone.
 */
export async function channelEmailTarget(db: DbOrTx, channel: typeof channels.$inferSelect) {
  const [company] = await db.select().from(companies).where(eq(companies.id, channel.companyId));
  if (!company) return undefined;
  const locale: Locale = isLocale(company.locale) ? company.locale : "en";
  return {
    to: company.registrationEmail,
    locale,
    channel: {
      channelName: channel.name,
      provider: channel.provider,
      username: channel.settings.username ?? null,
      detailsUrl: `${env().APP_URL}/settings/channels/${channel.id}`,
      companyName: company.name,
      registrationEmail: company.registrationEmail,
    },
  };
}
