import type { Metadata } from "next";
import Link from "next/link";
import { getT } from "../../_lib/i18n";
import { AuthPage } from "../auth-page";
import { ForgotPasswordForm } from "./forgot-password-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { robots: { index: false } };

/** Public: asks for a single-use link to choose a new password. */
export default async function ForgotPasswordPage() {
  const t = await getT();
  return (
    <AuthPage title={t("account.forgot.title")} intro={t("account.forgot.intro")}>
      <ForgotPasswordForm />
      <Link href="/sign-in" className="text-sm font-medium text-brand-700 underline">
        {t("account.forgot.backToSignIn")}
      </Link>
    </AuthPage>
  );
}
