import { notFound } from "next/navigation";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { listSandboxPages, messengerSandboxEnabled } from "~/server/services/sandbox/messenger-sandbox";
import { listSandboxBots, listSandboxChannels, sandboxEnabled, sandboxOutbox } from "~/server/services/sandbox/telegram-sandbox";
import { listSandboxCommunities, vkSandboxEnabled } from "~/server/services/sandbox/vk-sandbox";
import { getLocale, getT } from "../../_lib/i18n";
import { LiveOutbox } from "./live-outbox";
import { MessengerSection, VkCommunities, VkWriteForm } from "./provider-forms";
import { BotFather, BreakBotForm, SandboxForm } from "./sandbox-form";

const card = "rounded-lg border border-slate-200 bg-white p-4";

export default async function SandboxPage() {
  const user = await getSessionUser();
  const telegram = sandboxEnabled();
  const vk = vkSandboxEnabled();
  const messenger = messengerSandboxEnabled();
  if (!user || !(telegram || vk || messenger)) notFound();
  const ctx = { db, companyId: user.companyId, actor: { kind: "user" as const, userId: user.id, role: user.role } };
  const admin = user.role === "admin";
  const [channels, outbox, bots, communities, pages] = await Promise.all([
    telegram ? listSandboxChannels({ ctx }) : [],
    telegram ? sandboxOutbox({ ctx }) : [],
    telegram && admin ? listSandboxBots({ ctx }) : [],
    vk ? listSandboxCommunities({ ctx }) : [],
    messenger ? listSandboxPages({ ctx }) : [],
  ]);
  const vkChannels = communities.flatMap((c) => (c.channel ? [{ id: c.channel.id, name: c.channel.name, status: c.channel.status }] : []));
  const t = await getT();
  const locale = await getLocale();
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {telegram && (
        <section aria-labelledby="sandbox-heading" className={card}>
          <h1 id="sandbox-heading" className="text-lg font-semibold">
            {t("sandbox.title")}
          </h1>
          <p className="mt-1 text-sm text-slate-600">{t("sandbox.description")}</p>
          <SandboxForm channels={channels} />
        </section>
      )}
      {telegram && (
        <section aria-labelledby="outbox-heading" className={card}>
          <h2 id="outbox-heading" className="font-semibold">
            {t("sandbox.outbox")}
          </h2>
          <LiveOutbox />
          {outbox.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">{t("sandbox.outboxEmpty")}</p>
          ) : (
            <ul className="mt-2 max-h-96 space-y-2 overflow-y-auto text-sm" data-testid="sandbox-outbox">
              {outbox.map((m, i) => (
                <li key={i} className="rounded bg-slate-50 px-3 py-2">
                  <p className="text-xs text-slate-500">
                    {m.channel} → {m.chatId} · {m.method} · {m.at.toLocaleTimeString(locale)}
                  </p>
                  <p className="whitespace-pre-wrap">{m.text}</p>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {telegram && admin && (
        <section aria-labelledby="bots-heading" className={`${card} md:col-span-2`}>
          <h2 id="bots-heading" className="font-semibold">
            {t("sandbox.bots.title")}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t("sandbox.bots.description")}</p>
          <BotFather bots={bots} />
        </section>
      )}
      {telegram && admin && (
        <section aria-labelledby="break-heading" className={`${card} md:col-span-2`}>
          <h2 id="break-heading" className="font-semibold">
            {t("sandbox.break.title")}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t("sandbox.break.description")}</p>
          <BreakBotForm channels={channels} />
        </section>
      )}
      {messenger && (
        <section aria-labelledby="messenger-heading" className={`${card} md:col-span-2`}>
          <h2 id="messenger-heading" className="font-semibold">
            {t("sandbox.messenger.title")}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t("sandbox.messenger.description")}</p>
          <MessengerSection pages={pages} />
        </section>
      )}
      {vk && (
        <section aria-labelledby="vk-write-heading" className={card}>
          <h2 id="vk-write-heading" className="font-semibold">
            {t("sandbox.vk.writeTitle")}
          </h2>
          <VkWriteForm channels={vkChannels} />
        </section>
      )}
      {vk && admin && (
        <section aria-labelledby="vk-heading" className={card}>
          <h2 id="vk-heading" className="font-semibold">
            {t("sandbox.vk.title")}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t("sandbox.vk.description")}</p>
          <VkCommunities communities={communities} />
        </section>
      )}
    </div>
  );
}
