"use client";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import { safeRedirectTarget } from "~/server/safe-redirect";
import { useT } from "../../_components/providers";
import { Refusal } from "../../_components/refusal";
import { clearAllDrafts } from "../../_lib/drafts";

const noSubscription = () => () => {};

export function SignInForm() {
  const t = useT();
  const router = useRouter();
  const params = useSearchParams();
  /** null: no refusal; "wrong": email or password; "unavailable": the server failed; a number: throttled, minutes to wait. */
  const [error, setError] = useState<null | "wrong" | "unavailable" | number>(null);
  const [pending, setPending] = useState(false);
  // Signing in needs this page's scripts (next-auth's CSRF token and callback): until they run, the form cannot be
  // sent and says so, instead of posting to itself and coming back blank.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  useEffect(() => {
    // Nobody is signed in in this browser: no draft of the last person's may remain (it ended with their session).
    clearAllDrafts();
  }, []);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!ready || pending) return;
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirect: false });
    setPending(false);
    if (!result || result.error) {
      const code = decodeURIComponent(result?.error ?? "");
      const throttled = /^throttled:(\d+)$/.exec(code);
      setError(throttled ? Math.max(1, Math.ceil(Number(throttled[1]) / 60)) : code === "CredentialsSignin" ? "wrong" : "unavailable");
      return;
    }
    // Resolved against this origin as the browser would (`/\evil.example` is another host): only the app's own pages.
    router.replace(safeRedirectTarget(params.get("callbackUrl"), window.location.origin, "/inbox"));
    router.refresh();
  }

  // method="post": a form submitted before the scripts load sends the password in the body, never in the URL.
  return (
    <form method="post" className="flex flex-col gap-4" onSubmit={onSubmit} noValidate>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("signIn.email")}
        <input name="email" type="email" autoComplete="username" required className="rounded border border-slate-300 px-3 py-2 font-normal" />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t("signIn.password")}
        <input name="password" type="password" autoComplete="current-password" required className="rounded border border-slate-300 px-3 py-2 font-normal" />
      </label>
      {error !== null && (
        <Refusal>
          {error === "wrong" ? t("signIn.failed") : error === "unavailable" ? t("account.errors.unavailable") : t("account.signIn.throttled", { minutes: error })}
        </Refusal>
      )}
      {/* Disabled (so Enter in a field does not send either) until the scripts have loaded; the button says so. */}
      <button
        type="submit"
        disabled={pending || !ready}
        aria-busy={!ready || pending}
        className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {!ready ? t("signIn.preparing") : pending ? t("signIn.submitting") : t("signIn.submit")}
      </button>
      <Link href="/forgot-password" className="text-sm font-medium text-brand-700 underline">
        {t("account.signIn.forgot")}
      </Link>
    </form>
  );
}
