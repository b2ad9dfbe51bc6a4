"use client";
import { useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";
import { requestPasswordResetAction } from "./actions";
import { Refusal } from "../../_components/refusal";

export function ForgotPasswordForm() {
  const t = useT();
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<MessageKey | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    setPending(true);
    setError(null);
    try {
      const result = await requestPasswordResetAction({ email });
      if (result.ok) setSent(result.email);
      else setError(result.error);
    } catch {
      setError("errors.generic");
    } finally {
      setPending(false);
    }
  }

  if (sent) {
    return (
      <p role="status" className="break-words rounded border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">
        {t("account.forgot.sent", { email: sent })}
      </p>
    );
  }
  return (
    <form method="post" className="flex flex-col gap-4" onSubmit={onSubmit} noValidate>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("signIn.email")}
        <input name="email" type="email" autoComplete="username" required className="rounded border border-slate-300 px-3 py-2 font-normal" />
      </label>
      {error && (
        <Refusal>
          {t(error)}
        </Refusal>
      )}
      <button type="submit" disabled={pending} className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? t("people.common.working") : t("account.forgot.submit")}
      </button>
    </form>
  );
}
