import { getT } from "../../../_lib/i18n";
import { SavedRepliesManager } from "../../settings/saved-replies/saved-replies-admin";

export async function generateMetadata() {
  const t = await getT();
  return { title: `${t("savedReplies.title")} · ${t("app.name")}` };
}

/** Account → Saved replies: everyone's own replies (operators cannot open Settings; the picker links here). */
export default function MySavedRepliesPage() {
  return (
    <div className="mx-auto w-full max-w-3xl p-4">
      <SavedRepliesManager canManageCompany={false} ownPage />
    </div>
  );
}
