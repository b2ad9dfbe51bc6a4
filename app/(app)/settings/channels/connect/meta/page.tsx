import Link from "next/link";
import { env } from "~/server/env.js";
import { getT } from "../../../../../_lib/i18n";

/**
 * "Connect with Facebook" for Messenger and Instagram: says what will happen. The re-authorization wizard behind
 * it is built separately (F3); without META_APP_ID this server cannot connect Facebook at all, and says so.
 */
export default async function ConnectMetaPage() {
  const t = await getT();
  const configured = Boolean(env().META_APP_ID);
  return (
    <section aria-labelledby="connect-meta-heading" className="max-w-2xl space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <Link href="/settings/channels" className="inline-block text-sm text-brand-600 underline">
        ← {t("channelsAdmin.back")}
      </Link>
      <h2 id="connect-meta-heading" className="text-lg font-semibold">
        {t("channelsAdmin.meta.title")}
      </h2>
      <p className="text-sm text-slate-700">{t("channelsAdmin.meta.body")}</p>
      <p role="note" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="meta-availability">
        {configured ? t("channelsAdmin.meta.notYet") : t("channelsAdmin.meta.notConfigured")}
      </p>
      <button type="button" disabled aria-describedby="meta-unavailable" className="rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white opacity-60">
        {t("channelsAdmin.connect.meta")}
      </button>
      <span id="meta-unavailable" className="sr-only">
        {configured ? t("channelsAdmin.meta.notYet") : t("channelsAdmin.meta.notConfigured")}
      </span>
    </section>
  );
}
