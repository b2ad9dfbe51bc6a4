"use client";
import Link from "next/link";
import { useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";
import { setPasswordAction } from "./actions";
import { Refusal } from "../../_components/refusal";

const MIN_LENGTH = 10;

/** `reset`: the link came from "Forgot password" or an admin's reset, and success says every session ended. */
export function SetPasswordForm({ token, reset = false }: { token: string; reset?: boolean }) {
  const t = useT();
  const [error, setError] = useState<MessageKey | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    const confirm = String(form.get("confirm") ?? "");
    if (password.length < MIN_LENGTH) return setError("people.setPassword.tooShort");
    if (password !== confirm) return setError("people.setPassword.mismatch");
    setPending(true);
    setError(null);
    try {
      const result = await setPasswordAction({ token, password, confirm });
      if (result.ok) setDone(result.email);
      else setError(result.error);
    } catch {
      setError("errors.generic");
    } finally {
      setPending(false);
    }
  }

  if (done) {
    return (
      <div className="flex flex-col gap-4">
        <p role="status" className="rounded border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">
          {reset ? t("account.reset.done") : t("people.setPassword.done", { email: done })}
        </p>
        <Link href="/sign-in" className="rounded bg-brand-600 px-4 py-2 text-center font-medium text-white hover:bg-brand-700">
          {t("people.setPassword.signIn")}
        </Link>
      </div>
    );
  }

  // method="post" keeps the password out of the URL even if the form is sent before the page's scripts load.
  return (
    <form className="flex flex-col gap-4" method="post" onSubmit={onSubmit} noValidate>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("people.setPassword.password")}
        <input name="password" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} aria-describedby="password-hint" className="rounded border border-slate-300 px-3 py-2 font-normal" />
        <span id="password-hint" className="text-xs font-normal text-slate-600">
          {t("people.setPassword.hint")}
        </span>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("people.setPassword.confirm")}
        <input name="confirm" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} className="rounded border border-slate-300 px-3 py-2 font-normal" />
      </label>
      {error && (
        <Refusal>
          {t(error)}
        </Refusal>
      )}
      <button type="submit" disabled={pending} className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? t("people.common.working") : t("people.setPassword.submit")}
      </button>
    </form>
  );
}
