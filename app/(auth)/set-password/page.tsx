import type { Metadata } from "next";
import Link from "next/link";
import { db } from "~/db";
import type { MessageKey } from "~/server/i18n";
import { inspectSetPasswordToken } from "~/server/services/users/inspect-set-password-token";
import { LanguageSwitch } from "../../_components/language-switch";
import { getT } from "../../_lib/i18n";
import { SetPasswordForm } from "./set-password-form";

export const dynamic = "force-dynamic";

// The token is in the URL: never hand it to another site in a Referer header.
export const metadata: Metadata = { referrer: "no-referrer", robots: { index: false } };

/** Public: an invited person chooses their password from the emailed link, then signs in. */
export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const t = await getT();
  const state = await inspectSetPasswordToken(db, token);
  // A reset link (Forgot password, or sent by an admin) rather than an invitation: its own title and words.
  const reset = state.purpose === "reset_password";
  const refusal: MessageKey | null = state.ok ? null : reset && state.reason === "expired" ? "account.reset.expired" : (`people.setPassword.${state.reason}` as MessageKey);
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 p-6">
      <div className="flex justify-end">
        <LanguageSwitch />
      </div>
      <div>
        <p className="text-sm font-medium text-brand-600">{t("app.name")}</p>
        <h1 className="mt-1 text-2xl font-semibold">{t(reset ? "account.reset.title" : "people.setPassword.title")}</h1>
        {state.ok && <p className="mt-1 break-words text-sm text-slate-600">{t("people.setPassword.intro", { name: state.name, email: state.email, company: state.companyName })}</p>}
      </div>
      {state.ok ? (
        <SetPasswordForm token={token} reset={reset} />
      ) : (
        <div className="flex flex-col gap-4">
          <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {refusal && t(refusal)}
          </p>
          {reset && (
            <Link href="/forgot-password" className="text-sm font-medium text-brand-700 underline">
              {t("account.reset.askAgain")}
            </Link>
          )}
          <Link href="/sign-in" className="text-sm font-medium text-brand-700 underline">
            {t("people.setPassword.signIn")}
          </Link>
        </div>
      )}
    </main>
  );
}
