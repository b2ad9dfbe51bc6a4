"use client";
import "./globals.css";

/**
 * The root layout itself failed, so no catalog or language is at hand: a plain page in English with the digest
 * the server logged (instrumentation.ts), never the message or stack.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900">
        <main className="mx-auto flex max-w-md flex-col gap-4 p-8 text-center">
          <h1 className="text-xl font-semibold">Something went wrong</h1>
          <p className="text-sm">
            Try again; if it keeps happening, give your admin this code: <code className="font-mono">{error.digest ?? "—"}</code>
          </p>
          <button type="button" onClick={reset} className="rounded bg-brand-600 px-4 py-2 font-medium text-white">
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
