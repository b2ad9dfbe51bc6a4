import type { ReactNode } from "react";
import { LanguageSwitch } from "../_components/language-switch";
import { getT } from "../_lib/i18n";

/** The public pages' frame (sign-in, forgotten password, set password): the language switch, a title, a line under it. */
export async function AuthPage({ title, intro, children }: { title: string; intro?: string; children: ReactNode }) {
  const t = await getT();
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 p-6">
      <div className="flex justify-end">
        <LanguageSwitch />
      </div>
      <div>
        <p className="text-sm font-medium text-brand-600">{t("app.name")}</p>
        <h1 className="mt-1 text-2xl font-semibold">{title}</h1>
        {intro && <p className="mt-1 break-words text-sm text-slate-600">{intro}</p>}
      </div>
      {children}
    </main>
  );
}
