"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatDateTime, type MessageKey, type Translate } from "~/server/i18n";
import { useLocale, useT } from "../../../_components/providers";
import { useTRPC } from "../../../_lib/trpc";
import { errorText } from "../settings-ui";

type Status = "queued" | "sent" | "captured" | "failed";
type Shown = Status | "retrying";

const statusBadge: Record<Shown, string> = {
  queued: "bg-amber-100 text-amber-900",
  retrying: "bg-orange-100 text-orange-900",
  sent: "bg-green-100 text-green-900",
  captured: "bg-sky-100 text-sky-900",
  failed: "bg-red-100 text-red-900",
};

function kindLabel(t: Translate, kind: string): string {
  const key = `people.mailbox.kind.${kind}`;
  const label = t(key as MessageKey);
  return label === key ? kind : label;
}

/** A queued email that already failed says so: Resend refused or did not answer, and it will be tried again. */
function StatusBadge({ email }: { email: { status: Status; error: string | null } }) {
  const t = useT();
  const shown: Shown = email.status === "queued" && email.error ? "retrying" : email.status;
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${statusBadge[shown]}`}>{t(`people.mailbox.status.${shown}` as MessageKey)}</span>;
}

export function Mailbox({ openId }: { openId: string | null }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.mailbox.list.queryOptions(), refetchInterval: 5_000 });

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,24rem)_minmax(0,1fr)]">
      <section aria-labelledby="mailbox-heading" className={`${openId ? "hidden lg:block" : ""} min-w-0 rounded-lg border border-slate-200 bg-white`}>
        <div className="border-b border-slate-200 p-4">
          <h2 id="mailbox-heading" className="font-semibold">
            {t("people.mailbox.title")}
            {list.data && <span className="ml-2 text-sm font-normal text-slate-600">{t("people.mailbox.count", { count: list.data.emails.length })}</span>}
          </h2>
          {list.data && <p className="mt-1 text-sm text-slate-600">{t(list.data.resendConfigured ? "people.mailbox.resend" : "people.mailbox.captured")}</p>}
        </div>
        {list.isPending ? (
          <p className="p-4 text-sm text-slate-600">{t("people.common.loading")}</p>
        ) : list.isError ? (
          <p role="alert" className="p-4 text-sm text-red-800">{errorText(t, list.error)}</p>
        ) : list.data.emails.length === 0 ? (
          <p className="p-4 text-sm text-slate-600">{t("people.mailbox.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-labelledby="mailbox-heading">
            {list.data.emails.map((email) => (
              <li key={email.id} data-testid="mailbox-row">
                <Link
                  href={`/settings/mailbox?email=${email.id}`}
                  aria-current={openId === email.id ? "true" : undefined}
                  aria-label={t("people.mailbox.open", { subject: email.subject })}
                  className={`block px-4 py-3 hover:bg-slate-50 ${openId === email.id ? "bg-slate-100" : ""}`}
                >
                  <span className="block break-words font-medium text-slate-900">{email.subject}</span>
                  <span className="mt-0.5 block break-all text-sm text-slate-600">
                    <span className="sr-only">{t("people.mailbox.col.to")}: </span>
                    {email.toAddress}
                  </span>
                  <span className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
                    <StatusBadge email={email} />
                    <span>{kindLabel(t, email.kind)}</span>
                    <time dateTime={email.createdAt.toISOString()}>{formatDateTime(locale, email.createdAt)}</time>
                  </span>
                  {email.error && email.status !== "sent" && <span className="mt-1 block break-words text-xs text-red-800">{t("people.mailbox.error", { error: email.error })}</span>}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      {openId && <EmailView id={openId} />}
    </div>
  );
}

function EmailView({ id }: { id: string }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const email = useQuery(trpc.mailbox.get.queryOptions({ emailId: id }));

  return (
    <section aria-labelledby="email-heading" aria-busy={email.isPending} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
      <Link href="/settings/mailbox" className="text-sm text-brand-600 underline lg:hidden">
        {t("people.mailbox.back")}
      </Link>
      {email.isPending ? (
        <p className="text-sm text-slate-600">{t("people.common.loading")}</p>
      ) : email.isError ? (
        <p role="alert" className="text-sm text-red-800">{errorText(t, email.error)}</p>
      ) : (
        <div className="flex flex-col gap-3">
          <div>
            <h2 id="email-heading" className="break-words text-lg font-semibold">
              {email.data.subject}
            </h2>
            <p className="break-all text-sm text-slate-600">{t("people.mailbox.from", { to: email.data.toAddress, when: formatDateTime(locale, email.data.createdAt) })}</p>
            <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-700">
              <StatusBadge email={email.data} />
              <span>{kindLabel(t, email.data.kind)}</span>
              {email.data.attempts > 0 && <span>{t("people.mailbox.attempts", { count: email.data.attempts })}</span>}
              {email.data.status === "queued" && email.data.attempts > 0 && <span>{t("people.mailbox.nextAttempt", { when: formatDateTime(locale, email.data.nextAttemptAt) })}</span>}
            </div>
            {email.data.error && email.data.status !== "sent" && <p className="mt-2 break-words rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{t("people.mailbox.error", { error: email.data.error })}</p>}
          </div>
          <h3 className="text-sm font-semibold">{t("people.mailbox.html")}</h3>
          {/* An empty sandbox: no scripts, no forms, no navigation of this page; the email's HTML is only displayed. */}
          <iframe title={t("people.mailbox.frameTitle", { subject: email.data.subject })} sandbox="" srcDoc={email.data.html} className="h-[28rem] w-full rounded border border-slate-200 bg-white" />
          <h3 className="text-sm font-semibold">{t("people.mailbox.text")}</h3>
          <pre data-testid="email-text" className="max-h-96 overflow-auto whitespace-pre-wrap break-words rounded border border-slate-200 bg-slate-50 p-3 text-sm">
            {email.data.textBody}
          </pre>
        </div>
      )}
    </section>
  );
}
