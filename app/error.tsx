"use client";
import Link from "next/link";
import { useT } from "./_components/providers";

/**
 * A page that failed to render: words in the reader's language and the error's digest, which the server logged
 * with the details (instrumentation.ts) — never the message or stack itself.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useT();
  return (
    <main className="mx-auto flex max-w-md flex-col gap-4 p-8 text-center">
      <h1 className="text-xl font-semibold">{t("account.errors.pageTitle")}</h1>
      <p className="text-sm text-slate-700">
        {t("account.errors.pageBody")} <code className="rounded bg-slate-100 px-1 font-mono">{error.digest ?? "—"}</code>
      </p>
      <div className="flex justify-center gap-3">
        <button type="button" onClick={reset} className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          {t("account.errors.retry")}
        </button>
        <Link href="/inbox" className="rounded px-4 py-2 font-medium text-brand-700 underline">
          {t("account.errors.home")}
        </Link>
      </div>
    </main>
  );
}
