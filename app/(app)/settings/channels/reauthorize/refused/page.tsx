import Link from "next/link";
import type { MessageKey } from "~/server/i18n";
import { getT } from "../../../../../_lib/i18n";

const REASONS = ["state_invalid", "state_used", "state_expired", "signed_out"] as const;

/** Where a refused Facebook sign-in return lands (a forged, reused or expired `state`): the reason in words. */
export default async function OAuthRefusedPage({ searchParams }: { searchParams: Promise<{ reason?: string; attempt?: string }> }) {
  const t = await getT();
  const { reason: raw, attempt } = await searchParams;
  const reason = (REASONS as readonly string[]).includes(raw ?? "") ? (raw as (typeof REASONS)[number]) : "state_invalid";
  const back = attempt && /^[0-9a-f-]{36}$/i.test(attempt) ? `/settings/channels/reauthorize/${attempt}` : "/settings/channels";
  return (
    <section role="alert" aria-labelledby="oauth-refused-heading" className="max-w-2xl space-y-3 rounded-lg border border-red-200 bg-white p-4" data-testid="oauth-refused">
      <h2 id="oauth-refused-heading" className="text-lg font-semibold">
        {t("metaWizard.refused.title")}
      </h2>
      <p className="text-sm">{t(`metaWizard.refused.${reason}` as MessageKey)}</p>
      <Link href={back} className="inline-block text-sm text-brand-600 underline">
        {attempt ? t("metaWizard.refused.backToWizard") : t("channelsAdmin.back")}
      </Link>
    </section>
  );
}
