import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "~/server/auth/options";
import { getT } from "../../_lib/i18n";
import { NotificationSettings } from "../../_components/attention";
import { AccountForms } from "./account-forms";

export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("account.page.title")} · ${t("app.name")}` };
}

/** Everyone's own account: change the password, sign out everywhere. */
export default async function AccountPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const t = await getT();
  return (
    <div className="mx-auto flex w-full max-w-2xl flex-col gap-4 p-4">
      <div>
        <h1 className="text-xl font-semibold">{t("account.page.title")}</h1>
        <p className="break-words text-sm text-slate-600">{t("account.page.signedInAs", { name: user.name, email: user.email })}</p>
      </div>
      <AccountForms />
      <Link href="/account/saved-replies" className="self-start text-sm text-brand-700 underline">
        {t("savedReplies.mine.heading")}
      </Link>
      <NotificationSettings />
    </div>
  );
}
