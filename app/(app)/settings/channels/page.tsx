import Link from "next/link";
import { getT } from "../../../_lib/i18n";
import { ChannelsList } from "./_components/channels-list";
import { DeadLetters } from "./_components/dead-letters";
import { statusFilterFrom } from "./_components/status-filter";

export default async function ChannelsPage({ searchParams }: { searchParams: Promise<{ status?: string }> }) {
  const t = await getT();
  // "all" keeps its meaning from the earlier table's link (/settings/channels?status=all).
  const filter = statusFilterFrom((await searchParams).status);
  const connect = "rounded border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50";
  return (
    <section aria-labelledby="channels-heading" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id="channels-heading" className="text-lg font-semibold">
            {t("settings.channels")}
          </h2>
          <p className="text-sm text-slate-600">{t("settings.channels.description")}</p>
        </div>
      </div>
      <nav aria-label={t("channelsAdmin.connect.heading")} className="flex flex-wrap gap-2">
        <Link href="/settings/channels/connect/telegram" className={connect}>
          {t("channelsAdmin.connect.telegram")}
        </Link>
        <Link href="/settings/channels/connect/vk" className={connect}>
          {t("channelsAdmin.connect.vk")}
        </Link>
        <Link href="/settings/channels/connect/meta" className={connect}>
          {t("channelsAdmin.connect.meta")} <span className="text-slate-500">({t("channelsAdmin.connect.metaHint")})</span>
        </Link>
      </nav>
      <DeadLetters />
      <ChannelsList filter={filter} />
    </section>
  );
}
