import { getT } from "../../../_lib/i18n";
import { SavedRepliesManager } from "./saved-replies-admin";

export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("savedReplies.title")} · ${t("app.name")}` };
}

/** Settings → Saved replies: the company's replies and the admin's own (admins; the layout guards). */
export default function SavedRepliesPage() {
  return <SavedRepliesManager canManageCompany />;
}
