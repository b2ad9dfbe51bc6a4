import Link from "next/link";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { reasonKey, type MessageKey } from "~/server/i18n";
import { listChannels } from "~/server/services/channels/list-channels";
import { getLocale, getT } from "../../../_lib/i18n";

const badge: Record<string, string> = {
  active: "bg-green-100 text-green-900",
  disconnected: "bg-red-100 text-red-900",
  stopped: "bg-slate-200 text-slate-800",
};

export default async function ChannelsPage({ searchParams }: { searchParams: Promise<{ status?: string }> }) {
  const user = await getSessionUser();
  if (!user || user.role !== "admin") return null; // the layout explains
  const includeStopped = (await searchParams).status === "all";
  const t = await getT();
  const locale = await getLocale();
  const rows = await listChannels({ ctx: { db, companyId: user.companyId, actor: { kind: "user", userId: user.id, role: user.role } }, input: { includeStopped } });
  const date = (d: Date) => d.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });

  return (
    <section aria-labelledby="channels-heading" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 p-4">
        <div>
          <h2 id="channels-heading" className="font-semibold">
            {t("settings.channels")}
          </h2>
          <p className="text-sm text-slate-600">{t("settings.channels.description")}</p>
        </div>
        <nav aria-label={t("settings.channels.filter")} className="flex gap-2 text-sm">
          <Link href="/settings/channels" aria-current={!includeStopped ? "page" : undefined} className={!includeStopped ? "font-semibold underline" : "text-brand-600"}>
            {t("settings.channels.filter.default")}
          </Link>
          <Link href="/settings/channels?status=all" aria-current={includeStopped ? "page" : undefined} className={includeStopped ? "font-semibold underline" : "text-brand-600"}>
            {t("settings.channels.filter.all")}
          </Link>
        </nav>
      </div>
      {rows.length === 0 ? (
        <p className="p-4 text-sm text-slate-600">{t("settings.channels.empty")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">{t("settings.channels.name")}</th>
                <th scope="col" className="px-4 py-2">{t("settings.channels.provider")}</th>
                <th scope="col" className="px-4 py-2">{t("settings.channels.line")}</th>
                <th scope="col" className="px-4 py-2">{t("settings.channels.status")}</th>
                <th scope="col" className="px-4 py-2">{t("settings.channels.activity")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} className="border-t border-slate-100 align-top" data-testid="channel-row">
                  <td className="px-4 py-3 font-medium">{c.name}</td>
                  <td className="px-4 py-3">{t(`provider.${c.provider}` as MessageKey)}</td>
                  <td className="px-4 py-3">{c.lineName ?? t("settings.channels.noLine")}</td>
                  <td className="px-4 py-3">
                    <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${badge[c.status]}`}>{t(`channel.status.${c.status}` as MessageKey)}</span>
                    {c.status !== "active" && (
                      <p className="mt-1 text-xs text-slate-700">
                        {t(reasonKey(c.statusReason))} {t("settings.channels.since")} {date(c.statusSince)}
                      </p>
                    )}
                  </td>
                  <td className="px-4 py-3 text-xs text-slate-700">
                    <p>{t("settings.channels.lastWebhook", { time: c.lastWebhookAt ? date(c.lastWebhookAt) : t("settings.channels.never") })}</p>
                    <p>{t("settings.channels.lastSend", { time: c.lastSendAt ? date(c.lastSendAt) : t("settings.channels.never") })}</p>
                    <p>
                      {c.reconnectedAt ? t("settings.channels.reconnectedAt", { time: date(c.reconnectedAt) }) : t("settings.channels.connectedAt", { time: date(c.connectedAt) })}
                    </p>
                    <p className="mt-1 break-all">
                      <span className="font-medium">{t("settings.channels.webhookUrl")}:</span> <code>{c.webhookUrl}</code>
                    </p>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
