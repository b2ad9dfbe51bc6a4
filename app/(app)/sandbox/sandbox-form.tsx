"use client";
import { useActionState, useId } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";
import type { SandboxBot } from "~/server/services/sandbox/telegram-sandbox";
import { breakBot, createBot, sendAsCustomer } from "./actions";

type Bot = { id: string; name: string; status: string };
const field = "rounded border border-slate-300 px-3 py-2 font-normal";
const button = "self-start rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";

export function SandboxForm({ channels }: { channels: Bot[] }) {
  const t = useT();
  const [state, action, pending] = useActionState(sendAsCustomer, null);
  const words = !state ? "" : !state.ok ? t("errors.generic") : t(`sandbox.sent.${state.outcome}` as MessageKey);
  return (
    <form action={action} className="mt-4 flex flex-col gap-3">
      <CustomerFields selectLabel={t("sandbox.channel")} channels={channels} defaultName="Ivan Petrov" />
      <button type="submit" disabled={pending} className={button}>
        {t("sandbox.send")}
      </button>
      <p role="status" className={`text-sm ${state?.ok && state.outcome === "delivered" ? "text-green-800" : "text-amber-800"}`} data-testid="sandbox-send-result">
        {words}
      </p>
    </form>
  );
}

/** The channel to write to, each with its status in words. */
function ChannelSelect({ label, channels }: { label: string; channels: Bot[] }) {
  const t = useT();
  return (
    <label className="flex flex-col gap-1 text-sm font-medium">
      {label}
      <select name="channelId" className={field}>
        {channels.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} — {t(`channel.status.${c.status}` as MessageKey)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** What a customer form asks on every provider: where to write, the customer's name and the message. */
export function CustomerFields({ selectLabel, channels, defaultName, textRequired = true, rows = 3 }: { selectLabel: string; channels: Bot[]; defaultName: string; textRequired?: boolean; rows?: number }) {
  const t = useT();
  return (
    <>
      <ChannelSelect label={selectLabel} channels={channels} />
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("sandbox.name")}
        <input name="name" required defaultValue={defaultName} className={field} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("sandbox.text")}
        <textarea name="text" required={textRequired} rows={rows} className={field} />
      </label>
    </>
  );
}

/** Break a bot the way Telegram does, to walk loss → email → red dot → Reconnect offline (admins). */
export function BreakBotForm({ channels }: { channels: Bot[] }) {
  const t = useT();
  const [state, action, pending] = useActionState(breakBot, null);
  return (
    <form action={action} className="mt-3 flex flex-col gap-3">
      <ChannelSelect label={t("sandbox.channel")} channels={channels} />
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
            <TokenField label={t("sandbox.break.newToken")} value={state.newToken} testId="sandbox-new-token" />
          </div>
        )}
      </div>
    </form>
  );
}

/** A token shown to copy: read-only, selected on focus, labelled with whose it is. */
export function TokenField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-700">
        {label}
      </label>
      <input id={id} readOnly value={value} className="w-full min-w-0 rounded border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs" data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
    </div>
  );
}

/** The sandbox's BotFather (admins): every bot with its name and working token, and "Create a new bot". */
export function BotFather({ bots }: { bots: SandboxBot[] }) {
  const t = useT();
  const [state, action, pending] = useActionState(createBot, null);
  return (
    <div className="mt-3 space-y-3">
      {bots.length === 0 ? (
        <p className="text-sm text-slate-600">{t("sandbox.bots.empty")}</p>
      ) : (
        <ul className="grid gap-2 md:grid-cols-2" data-testid="sandbox-bots">
          {bots.map((b) => (
            <li key={b.id} className="rounded border border-slate-200 p-3 text-sm" data-testid="sandbox-bot">
              <p className="font-medium">
                {b.firstName} <span className="font-normal text-slate-600">@{b.username}</span>
              </p>
              <p className="text-xs text-slate-600">
                {b.channel ? t("sandbox.bots.connectedAs", { channel: b.channel.name, status: t(`channel.status.${b.channel.status}` as MessageKey) }) : t("sandbox.bots.notConnected")}
              </p>
              {b.token ? (
                <div className="mt-2">
                  <TokenField label={t("sandbox.bots.token", { username: b.username })} value={b.token} />
                </div>
              ) : (
                <p className="mt-2 text-xs text-amber-800">{t("sandbox.bots.revoked")}</p>
              )}
              {b.channel?.tokenIsOld && <p className="mt-1 text-xs font-medium text-amber-800">{t("sandbox.bots.newToken")}</p>}
            </li>
          ))}
        </ul>
      )}
      <form action={action} className="flex flex-col gap-2">
        <button type="submit" disabled={pending} className={button}>
          {t("sandbox.bots.create")}
        </button>
        <p role="status" className="text-sm">
          {state?.ok === false && <span className="text-red-700">{t("errors.generic")}</span>}
          {state?.ok && t("sandbox.bots.created", { name: state.firstName, username: state.username })}
        </p>
      </form>
    </div>
  );
}
