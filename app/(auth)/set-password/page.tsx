import type { Metadata } from "next";
import Link from "next/link";
import { db } from "~/db";
import type { MessageKey } from "~/server/i18n";
import { inspectSetPasswordToken } from "~/server/services/users/inspect-set-password-token";
import { getT } from "../../_lib/i18n";
import { AuthPage } from "../auth-page";
import { SetPasswordForm } from "./set-password-form";
import { Refusal } from "../../_components/refusal";

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
    <AuthPage
      title={t(reset ? "account.reset.title" : "people.setPassword.title")}
      intro={state.ok ? t("people.setPassword.intro", { name: state.name, email: state.email, company: state.companyName }) : undefined}
    >
      {state.ok ? (
        <SetPasswordForm token={token} reset={reset} />
      ) : (
        <div className="flex flex-col gap-4">
          <Refusal>
            {refusal && t(refusal)}
          </Refusal>
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
    </AuthPage>
  );
}
