"use server";
import { cookies } from "next/headers";
import { isLocale, LOCALE_COOKIE } from "~/server/i18n";

/** The language switch: remembered in a cookie for a year. */
export async function setLocale(locale: string) {
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: 60 * 60 * 24 * 365, sameSite: "lax" });
}
