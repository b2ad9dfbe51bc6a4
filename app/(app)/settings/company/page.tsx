import { timeZoneNames } from "~/server/i18n";
import { getT } from "../../../_lib/i18n";
import { CompanySettingsForm } from "./company-settings";

export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("company.title")} · ${t("app.name")}` };
}

/** Settings → Company: the alert email, the language of emails, the time zone (admins; the layout guards). */
export default function CompanySettingsPage() {
  return <CompanySettingsForm zones={timeZoneNames()} />;
}
