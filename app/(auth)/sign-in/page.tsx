import { redirect } from "next/navigation";
import { getSessionUser } from "~/server/auth/options";
import { LanguageSwitch } from "../../_components/language-switch";
import { getT } from "../../_lib/i18n";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage() {
  if (await getSessionUser()) redirect("/inbox");
  const t = await getT();
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 p-6">
      <div className="flex justify-end">
        <LanguageSwitch />
      </div>
      <div>
        <p className="text-sm font-medium text-brand-600">{t("app.name")}</p>
        <h1 className="mt-1 text-2xl font-semibold">{t("signIn.title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("app.tagline")}</p>
      </div>
      <SignInForm />
      <p className="text-xs text-slate-500">{t("signIn.demoHint")}</p>
    </main>
  );
}
