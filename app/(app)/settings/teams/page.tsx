import { getT } from "../../../_lib/i18n";
import { TeamsAdmin } from "./teams-admin";

export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("people.teams.title")} · ${t("app.name")}` };
}

/** Settings → Teams: create, rename, delete teams and choose their members (admins; the layout guards). */
export default function TeamsPage() {
  return <TeamsAdmin />;
}
