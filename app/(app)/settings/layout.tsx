import type { ReactNode } from "react";
import { getSessionUser } from "~/server/auth/options";
import { getT } from "../../_lib/i18n";
import { SettingsNav } from "./settings-nav";

/** Settings are for admins (seed 003): operators get an explanation, not the page. */
export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  const t = await getT();
  if (user?.role !== "admin") {
    return (
      <section className="mx-auto max-w-lg rounded-lg border border-amber-200 bg-amber-50 p-6" role="alert">
        <h1 className="text-lg font-semibold">{t("settings.adminOnly.title")}</h1>
        <p className="mt-2 text-sm">{t("settings.adminOnly.body")}</p>
      </section>
    );
  }
  return (
    <div className="min-w-0">
      <h1 className="mb-3 text-xl font-semibold">{t("settings.title")}</h1>
      <SettingsNav />
      {children}
    </div>
  );
}
