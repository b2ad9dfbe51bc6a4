"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";
import { useTRPC } from "../../_lib/trpc";
import { buttonClass, errorText, inputClass, NoticeLine, type Notice } from "../settings/settings-ui";

const MIN_LENGTH = 10;

export function AccountForms() {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const [notice, setNotice] = useState<Notice>(null);
  const [formKey, setFormKey] = useState(0);
  const fail = (error: unknown) => setNotice({ kind: "error", text: errorText(t, error) });
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: () => {
        setNotice({ kind: "ok", text: t("account.password.done") });
        setFormKey((k) => k + 1); // empty the fields
      },
      onError: fail,
    }),
  );
  const everywhere = useMutation(
    trpc.account.signOutEverywhere.mutationOptions({
      // This session ended too: the sign-in page is next.
      onSuccess: () => (router.replace("/sign-in"), router.refresh()),
      onError: fail,
    }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const current = String(form.get("current") ?? "");
    const next = String(form.get("next") ?? "");
    const refuse = (key: MessageKey) => setNotice({ kind: "error", text: t(key) });
    if (next.length < MIN_LENGTH) return refuse("people.setPassword.tooShort");
    if (next !== String(form.get("confirm") ?? "")) return refuse("people.setPassword.mismatch");
    setNotice(null);
    change.mutate({ current, next });
  }

  return (
    <>
      <NoticeLine notice={notice} />
      <section aria-labelledby="password-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="password-heading" className="font-semibold">
          {t("account.password.title")}
        </h2>
        <form key={formKey} method="post" className="mt-3 flex flex-col gap-3" onSubmit={onSubmit} noValidate>
          <label className="flex flex-col gap-1 text-sm font-medium">
            {t("account.password.current")}
            <input className={inputClass} name="current" type="password" autoComplete="current-password" required />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            {t("account.password.new")}
            <input className={inputClass} name="next" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} aria-describedby="new-password-hint" />
            <span id="new-password-hint" className="text-xs font-normal text-slate-600">
              {t("people.setPassword.hint")}
            </span>
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            {t("account.password.confirm")}
            <input className={inputClass} name="confirm" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} />
          </label>
          <div>
            <button type="submit" className={buttonClass.primary} disabled={change.isPending}>
              {change.isPending ? t("people.common.working") : t("account.password.submit")}
            </button>
          </div>
        </form>
      </section>
      <section aria-labelledby="sessions-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="sessions-heading" className="font-semibold">
          {t("account.sessions.title")}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{t("account.sessions.intro")}</p>
        <button type="button" className={`${buttonClass.secondary} mt-3`} disabled={everywhere.isPending} onClick={() => (setNotice(null), everywhere.mutate())}>
          {everywhere.isPending ? t("people.common.working") : t("account.sessions.signOutEverywhere")}
        </button>
      </section>
    </>
  );
}
