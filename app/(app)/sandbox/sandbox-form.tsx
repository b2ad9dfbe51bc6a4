"use client";
import { useActionState, useId } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";
import { breakBot, sendAsCustomer } from "./actions";

type Bot = { id: string; name: string; status: string };
const select = "rounded border border-slate-300 px-2 py-2 font-normal";
const button = "self-start rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";

export function SandboxForm({ channels }: { channels: Bot[] }) {
  const t = useT();
  const [state, action, pending] = useActionState(sendAsCustomer, null);
  const words = !state ? "" : !state.ok ? t("errors.generic") : t(`sandbox.sent.${state.outcome}` as MessageKey);
  return (
    <form action={action} className="mt-4 flex flex-col gap-3">
      <BotSelect channels={channels} />
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("sandbox.name")}
        <input name="name" required defaultValue="Ivan Petrov" className="rounded border border-slate-300 px-3 py-2 font-normal" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("sandbox.text")}
        <textarea name="text" required rows={3} className="rounded border border-slate-300 px-3 py-2 font-normal" />
      </label>
      <button type="submit" disabled={pending} className={button}>
        {t("sandbox.send")}
      </button>
      <p role="status" className={`text-sm ${state?.ok && state.outcome === "delivered" ? "text-green-800" : "text-amber-800"}`} data-testid="sandbox-send-result">
        {words}
      </p>
    </form>
  );
}

function BotSelect({ channels }: { channels: Bot[] }) {
  const t = useT();
  return (
    <label className="flex flex-col gap-1 text-sm font-medium">
      {t("sandbox.channel")}
      <select name="channelId" className={select}>
        {channels.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} — {t(`channel.status.${c.status}` as MessageKey)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Break a bot the way Telegram does, to walk loss → email → red dot → Reconnect offline (admins). */
export function BreakBotForm({ channels }: { channels: Bot[] }) {
  const t = useT();
  const tokenId = useId();
  const [state, action, pending] = useActionState(breakBot, null);
  return (
    <form action={action} className="mt-3 flex flex-col gap-3">
      <BotSelect channels={channels} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" name="how" value="revoke" disabled={pending} className={button}>
          {t("sandbox.break.revoke")}
        </button>
        <button type="submit" name="how" value="take_webhook" disabled={pending} className={button}>
          {t("sandbox.break.takeWebhook")}
        </button>
      </div>
      <div role="status" className="text-sm" data-testid="sandbox-break-result">
        {state?.ok === false && <p className="text-red-700">{t("errors.generic")}</p>}
        {state?.ok && state.how === "take_webhook" && <p>{t("sandbox.break.tookWebhook")}</p>}
        {state?.ok && state.how === "revoke" && state.newToken && (
          <div className="space-y-1">
            <p>{t("sandbox.break.revoked")}</p>
            <label htmlFor={tokenId} className="block text-xs font-medium text-slate-700">
              {t("sandbox.break.newToken")}
            </label>
            <input id={tokenId} readOnly value={state.newToken} className="w-full rounded border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs" data-testid="sandbox-new-token" onFocus={(e) => e.currentTarget.select()} />
          </div>
        )}
      </div>
    </form>
  );
}
