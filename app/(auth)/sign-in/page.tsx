import { redirect } from "next/navigation";
import { getEndedSessionReason, getSessionUser } from "~/server/auth/options";
import { env } from "~/server/env.js";
import { getT } from "../../_lib/i18n";
import { AuthPage } from "../auth-page";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ ended?: string | string[] }> }) {
  if (await getSessionUser()) redirect("/inbox");
  const t = await getT();
  // Sent here because the session ended elsewhere (sign-out, password change, deactivation): say so.
  const ended = (await searchParams).ended === "1";
  // A deactivated person cannot simply "sign in again": say what happened and whom to ask.
  const deactivated = ended && (await getEndedSessionReason()) === "deactivated";
  return (
    <AuthPage title={t("signIn.title")} intro={t("app.tagline")}>
      {ended && (
        <p role="status" className="rounded border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t(deactivated ? "account.signIn.deactivated" : "account.signIn.sessionEnded")}
        </p>
      )}
      <SignInForm />
      {/* The demo company exists only in development (npm run dev); production has no known credentials. */}
      {env().NODE_ENV === "development" && <p className="text-xs text-slate-500">{t("signIn.demoHint")}</p>}
    </AuthPage>
  );
}
