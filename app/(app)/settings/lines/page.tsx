import { getT } from "../../../_lib/i18n";
import { LinesAdmin } from "./lines-admin";

export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("people.lines.title")} · ${t("app.name")}` };
}

/** Settings → Lines: support lines with their channels and default team (admins; the layout guards). */
export default function LinesPage() {
  return <LinesAdmin />;
}
