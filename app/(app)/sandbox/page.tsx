import { notFound } from "next/navigation";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { listSandboxChannels, sandboxEnabled, sandboxOutbox } from "~/server/services/sandbox/telegram-sandbox";
import { getLocale, getT } from "../../_lib/i18n";
import { LiveOutbox } from "./live-outbox";
import { BreakBotForm, SandboxForm } from "./sandbox-form";

export default async function SandboxPage() {
  const user = await getSessionUser();
  if (!user || !sandboxEnabled()) notFound();
  const ctx = { db, companyId: user.companyId, actor: { kind: "user" as const, userId: user.id, role: user.role } };
  const [channels, outbox] = await Promise.all([listSandboxChannels({ ctx }), sandboxOutbox({ ctx })]);
  const t = await getT();
  const locale = await getLocale();
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <section aria-labelledby="sandbox-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h1 id="sandbox-heading" className="text-lg font-semibold">
          {t("sandbox.title")}
        </h1>
        <p className="mt-1 text-sm text-slate-600">{t("sandbox.description")}</p>
        <SandboxForm channels={channels} />
      </section>
      {user.role === "admin" && (
        <section aria-labelledby="break-heading" className="rounded-lg border border-slate-200 bg-white p-4 md:col-span-2 md:order-last">
          <h2 id="break-heading" className="font-semibold">
            {t("sandbox.break.title")}
          </h2>
          <p className="mt-1 text-sm text-slate-600">{t("sandbox.break.description")}</p>
          <BreakBotForm channels={channels} />
        </section>
      )}
      <section aria-labelledby="outbox-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="outbox-heading" className="font-semibold">
          {t("sandbox.outbox")}
        </h2>
        <LiveOutbox />
        {outbox.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">{t("sandbox.outboxEmpty")}</p>
        ) : (
          <ul className="mt-2 space-y-2 text-sm" data-testid="sandbox-outbox">
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
    </div>
  );
}
