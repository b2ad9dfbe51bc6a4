"use server";
import { db } from "~/db";
import { isLocale } from "~/server/i18n";
import { kickJobs } from "~/server/queue/kick-jobs";
import { requestPasswordReset } from "~/server/services/users/request-password-reset";
import { getLocale } from "../../_lib/i18n";

export type ForgotPasswordResult = { ok: true; email: string } | { ok: false; error: "account.forgot.invalidEmail" };

/** "Forgot password": the same answer whether or not the address has an account. */
export async function requestPasswordResetAction(input: { email: string }): Promise<ForgotPasswordResult> {
  const email = typeof input.email === "string" ? input.email.trim().toLowerCase() : "";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254 || email.includes("\u0000")) return { ok: false, error: "account.forgot.invalidEmail" };
  const locale = await getLocale();
  const { emailId } = await requestPasswordReset({ db }, { email, locale: isLocale(locale) ? locale : "en" });
  if (emailId) kickJobs();
  return { ok: true, email };
}
