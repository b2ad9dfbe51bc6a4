"use server";
import { eq } from "drizzle-orm";
import { cookies } from "next/headers";
import { db } from "~/db";
import { users } from "~/db/schema";
import { getSessionUser } from "~/server/auth/options";
import { isLocale, LOCALE_COOKIE } from "~/server/i18n";

/** The language switch: remembered in a cookie for a year, and in the signed-in user's profile. */
export async function setLocale(locale: string) {
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: 60 * 60 * 24 * 365, sameSite: "lax" });
  const user = await getSessionUser();
  if (user) await db.update(users).set({ locale }).where(eq(users.id, user.id));
}
