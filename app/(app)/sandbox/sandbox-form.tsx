"use client";
import { useActionState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";
import { sendAsCustomer } from "./actions";

export function SandboxForm({ channels }: { channels: { id: string; name: string; status: string }[] }) {
  const t = useT();
  const [state, action, pending] = useActionState(sendAsCustomer, null);
  return (
    <form action={action} className="mt-4 flex flex-col gap-3">
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("sandbox.channel")}
        <select name="channelId" className="rounded border border-slate-300 px-2 py-2 font-normal">
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} — {t(`channel.status.${c.status}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("sandbox.name")}
        <input name="name" required defaultValue="Ivan Petrov" className="rounded border border-slate-300 px-3 py-2 font-normal" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("sandbox.text")}
        <textarea name="text" required rows={3} className="rounded border border-slate-300 px-3 py-2 font-normal" />
      </label>
      <button type="submit" disabled={pending} className="self-start rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {t("sandbox.send")}
      </button>
      <p role="status" className="text-sm text-green-800">
        {state?.ok ? t("sandbox.sent") : state ? t("errors.generic") : ""}
      </p>
    </form>
  );
}
