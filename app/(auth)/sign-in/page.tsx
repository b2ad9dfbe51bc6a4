import { redirect } from "next/navigation";
import { getSessionUser } from "~/server/auth/options";
import { env } from "~/server/env.js";
import { LanguageSwitch } from "../../_components/language-switch";
import { getT } from "../../_lib/i18n";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ ended?: string | string[] }> }) {
  if (await getSessionUser()) redirect("/inbox");
  const t = await getT();
  // Sent here because the session ended elsewhere (sign-out, password change, deactivation): say so.
  const ended = (await searchParams).ended === "1";
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
      {ended && (
        <p role="status" className="rounded border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("account.signIn.sessionEnded")}
        </p>
      )}
      <SignInForm />
      {/* The demo company exists only in development (npm run dev); production has no known credentials. */}
      {env().NODE_ENV === "development" && <p className="text-xs text-slate-500">{t("signIn.demoHint")}</p>}
    </main>
  );
}
