import "server-only";
import { cookies, headers } from "next/headers";
import { catalog, isLocale, LOCALE_COOKIE, negotiateLocale, translator, type Locale } from "~/server/i18n";
import { getSessionUser } from "~/server/auth/options";

/**
 * The chosen language: the language switch's cookie, else the signed-in user's profile, else the browser's
 * Accept-Language, else English.
 */
export async function getLocale(): Promise<Locale> {
  const value = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(value)) return value;
  const user = await getSessionUser().catch(() => null);
  if (user && isLocale(user.locale)) return user.locale;
  return negotiateLocale((await headers()).get("accept-language"));
}

export async function getT() {
  const locale = await getLocale();
  return translator(catalog(locale), locale);
}
