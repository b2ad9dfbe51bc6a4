import Link from "next/link";
import { env } from "~/server/env.js";
import { metaAppConfigured } from "~/server/channels/meta/oauth";
import { getT } from "../../../../../_lib/i18n";
import { StartMetaConnect } from "./start-connect";

/**
 * "Connect with Facebook" for Messenger and Instagram: says what will happen, then opens the re-authorization
 * wizard in its connect mode (F3): the Pages and Instagram accounts ticked there become channels on a line.
 * Without a Meta app this server cannot connect Facebook at all, and says so.
 */
export default async function ConnectMetaPage() {
  const t = await getT();
  const sandbox = Boolean(env().SANDBOX_META_URL);
  return (
    <section aria-labelledby="connect-meta-heading" className="max-w-2xl space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <Link href="/settings/channels" className="inline-block text-sm text-brand-600 underline">
        ← {t("channelsAdmin.back")}
      </Link>
      <h2 id="connect-meta-heading" className="text-lg font-semibold">
        {t("channelsAdmin.meta.title")}
      </h2>
      <p className="text-sm text-slate-700">{t("channelsAdmin.meta.body")}</p>
      {sandbox && (
        <p role="note" className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
          {t("metaWizard.connectPage.sandbox")}
        </p>
      )}
      <StartMetaConnect configured={metaAppConfigured()} />
    </section>
  );
}
