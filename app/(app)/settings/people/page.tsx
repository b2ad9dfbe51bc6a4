import { getT } from "../../../_lib/i18n";
import { PeopleAdmin } from "./people-admin";

export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("people.title")} · ${t("app.name")}` };
}

/** Settings → People: everyone in the company, invitations, roles, deactivation (admins; the layout guards). */
export default function PeoplePage() {
  return <PeopleAdmin />;
}
