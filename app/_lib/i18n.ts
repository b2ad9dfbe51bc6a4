import "server-only";
import { cookies } from "next/headers";
import { catalog, defaultLocale, isLocale, LOCALE_COOKIE, translator, type Locale } from "~/server/i18n";

export async function getLocale(): Promise<Locale> {
  const value = (await cookies()).get(LOCALE_COOKIE)?.value;
  return isLocale(value) ? value : defaultLocale;
}

export async function getT() {
  const locale = await getLocale();
  return translator(catalog(locale), locale);
}
