import type { Metadata } from "next";
import Link from "next/link";
import { LanguageSwitch } from "../../_components/language-switch";
import { getT } from "../../_lib/i18n";
import { ForgotPasswordForm } from "./forgot-password-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { robots: { index: false } };

/** Public: asks for a single-use link to choose a new password. */
export default async function ForgotPasswordPage() {
  const t = await getT();
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 p-6">
      <div className="flex justify-end">
        <LanguageSwitch />
      </div>
      <div>
        <p className="text-sm font-medium text-brand-600">{t("app.name")}</p>
        <h1 className="mt-1 text-2xl font-semibold">{t("account.forgot.title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("account.forgot.intro")}</p>
      </div>
      <ForgotPasswordForm />
      <Link href="/sign-in" className="text-sm font-medium text-brand-700 underline">
        {t("account.forgot.backToSignIn")}
      </Link>
    </main>
  );
}
