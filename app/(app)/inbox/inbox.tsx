"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import type { Attachment } from "~/db/schema";
import { reasonKey, type Locale, type MessageKey } from "~/server/i18n";
import { useLocale, useT } from "../../_components/providers";
import { useRealtimeState } from "../../_components/realtime";
import { useTRPC } from "../../_lib/trpc";

type Filter = "open" | "new" | "in_progress" | "closed";
const FILTERS: Filter[] = ["open", "new", "in_progress", "closed"];

/** In the chosen language, whatever the browser's own locale is. */
function formatTime(d: Date, locale: Locale) {
  return d.toLocaleString(locale, { dateStyle: "short", timeStyle: "short" });
}

export function Inbox() {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const selected = params.get("c");
  const filter = (FILTERS as string[]).includes(params.get("f") ?? "") ? (params.get("f") as Filter) : "open";
  const live = useRealtimeState();

  const list = useQuery(trpc.inbox.list.queryOptions({ filter }));


  const href = (next: { c?: string | null; f?: Filter }) => {
    const q = new URLSearchParams(params.toString());
    if (next.c) q.set("c", next.c);
    else if (next.c === null) q.delete("c");
    if (next.f) q.set("f", next.f);
    return `${pathname}?${q.toString()}`;
  };

  return (
    <div className="grid gap-4 md:grid-cols-[22rem_1fr]">
      <section aria-labelledby="conversations-heading" className={`${selected ? "hidden md:block" : ""} rounded-lg border border-slate-200 bg-white`}>
        <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2">
          <h1 id="conversations-heading" className="font-semibold">
            {t("inbox.conversations")}
          </h1>
          <span role="status" className="flex items-center gap-1 text-xs text-slate-600">
            <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${live === "connected" ? "bg-green-600" : live === "connecting" ? "bg-amber-500" : "bg-slate-400"}`} />
            {t(`inbox.live.${live}`)}
          </span>
        </div>
        <div role="group" aria-label={t("inbox.conversations")} className="flex gap-1 overflow-x-auto border-b border-slate-200 px-2 py-2">
          {FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => router.replace(href({ f, c: null }))}
              className={`whitespace-nowrap rounded px-2 py-1 text-sm ${filter === f ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {t(`inbox.filter.${f}`)}
            </button>
          ))}
        </div>
        {list.data && list.data.length === 0 && <p className="p-4 text-sm text-slate-600">{t("inbox.empty")}</p>}
        <ul aria-label={t("inbox.conversations")} data-testid="conversation-list">
          {list.data?.map((c) => (
            <li key={c.id}>
              <Link
                href={href({ c: c.id })}
                aria-current={selected === c.id ? "true" : undefined}
                className={`block border-b border-slate-100 px-3 py-2 hover:bg-slate-50 ${selected === c.id ? "bg-blue-50" : ""}`}
              >
                <span className="flex items-center justify-between gap-2">
                  <span className="truncate font-medium">{c.contactName}</span>
                  <span className="shrink-0 text-xs text-slate-500">{formatTime(c.lastMessageAt, locale)}</span>
                </span>
                <span className="block truncate text-sm text-slate-600">{c.preview}</span>
                <span className="mt-1 flex gap-2 text-xs text-slate-500">
                  <span>{t(`provider.${c.provider}` as MessageKey)}</span>
                  <span>·</span>
                  <span>{t(`conversation.status.${c.status}` as MessageKey)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label={t("inbox.title")} className={`${selected ? "" : "hidden md:block"} rounded-lg border border-slate-200 bg-white`}>
        {selected ? <Thread conversationId={selected} backHref={href({ c: null })} /> : <p className="p-6 text-sm text-slate-600">{t("inbox.selectConversation")}</p>}
      </section>
    </div>
  );
}

function Thread({ conversationId, backHref }: { conversationId: string; backHref: string }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const thread = useQuery(trpc.inbox.thread.queryOptions({ conversationId }));
  const [text, setText] = useState("");
  const [files, setFiles] = useState<Uploaded[]>([]);
  const [uploading, setUploading] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const reply = useMutation(
    trpc.inbox.reply.mutationOptions({
      onSuccess: () => {
        setText("");
        setFiles([]);
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.thread.queryKey({ conversationId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.list.queryKey() });
      },
      onError: () => setFormError(t("inbox.reply.failed")),
    }),
  );

  if (thread.isError) return <p className="p-6 text-sm text-red-700">{t("errors.notFound")}</p>;
  if (!thread.data) return <p className="p-6 text-sm text-slate-600" aria-busy="true">…</p>;
  const { conversation, contact, channel, messages } = thread.data;

  const submit = () => {
    if (!text.trim() && files.length === 0) {
      setFormError(t("inbox.reply.empty"));
      return;
    }
    setFormError(null);
    reply.mutate({ conversationId, text, fileIds: files.map((f) => f.id) });
  };

  const upload = async (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      setUploading(file.name);
      setFormError(null);
      const body = new FormData();
      body.set("file", file);
      try {
        const res = await fetch("/api/uploads", { method: "POST", body });
        const json = (await res.json()) as Uploaded & { error?: string };
        if (!res.ok) {
          setFormError(res.status === 413 ? t("inbox.upload.tooLarge") : json.error === "inbox.upload.empty" ? t("inbox.upload.empty") : t("inbox.upload.failed"));
          continue;
        }
        setFiles((prev) => [...prev, json]);
      } catch {
        setFormError(t("inbox.upload.failed"));
      } finally {
        setUploading(null);
      }
    }
  };

  return (
    <div className="flex h-[calc(100vh-9rem)] min-h-96 flex-col">
      <header className="flex flex-col items-start gap-1 border-b border-slate-200 px-4 py-2 md:flex-row md:items-center md:gap-3">
        <Link href={backHref} className="text-sm text-brand-600 underline md:hidden">
          {t("inbox.back")}
        </Link>
        <div>
          <h2 className="font-semibold">{contact.displayName}</h2>
          <p className="text-xs text-slate-600">
            {t("inbox.via", { channel: `${t(`provider.${channel.provider}` as MessageKey)} · ${channel.name}` })} · {t(`conversation.status.${conversation.status}` as MessageKey)}
          </p>
        </div>
      </header>
      {(conversation.handler === "bot" || channel.status !== "active" || contact.blockedUsAt) && (
        <div className="space-y-1 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900" role="status">
          {conversation.handler === "bot" && <p>{t("inbox.botHandling")}</p>}
          {channel.status !== "active" && <p>{t("inbox.channelDown", { channel: channel.name })}</p>}
          {contact.blockedUsAt && <p>{t("inbox.contactBlocked")}</p>}
        </div>
      )}
      <ol className="flex-1 space-y-3 overflow-y-auto p-4" aria-label={contact.displayName} data-testid="thread">
        {messages.length === 0 && <li className="text-sm text-slate-600">{t("inbox.noMessages")}</li>}
        {messages.map((m) => {
          const out = m.direction === "outbound";
          return (
            <li key={m.id} className={`flex ${out ? "justify-end" : "justify-start"}`}>
              <div className={`max-w-[80%] rounded-lg px-3 py-2 text-sm ${out ? "bg-brand-600 text-white" : "bg-slate-100"}`}>
                <p className={`mb-1 text-xs ${out ? "text-blue-100" : "text-slate-500"}`}>
                  {m.authorKind === "operator"
                    ? (m.authorUserName ?? t("inbox.author.providerInbox", { provider: t(`provider.${channel.provider}` as MessageKey) }))
                    : (m.authorName ?? t(`inbox.author.${m.authorKind}`))}
                  {m.authorKind === "bot" && <span className="ml-1 rounded bg-amber-200 px-1 text-amber-900">{t("inbox.author.bot")}</span>}
                </p>
                {m.text && <p className="whitespace-pre-wrap break-words">{m.text}</p>}
                {m.attachments.map((a, i) => (
                  <AttachmentView key={i} attachment={a} outbound={out} />
                ))}
                <p className={`mt-1 text-right text-xs ${out ? "text-blue-100" : "text-slate-500"}`}>
                  {formatTime(m.createdAt, locale)}
                  {out && (
                    <span data-testid="delivery-status" className="ml-2">
                      {m.deliveryStatus === "pending" && (m.failureReason === "connection_lost" || channel.status === "disconnected") ? (
                        // Held for the reconnect, not "Sending": nothing goes out until an admin reconnects the channel.
                        t("delivery.waitingReconnect")
                      ) : (
                        <>
                          {t(`delivery.${m.deliveryStatus}` as MessageKey)}
                          {m.failureReason && ` — ${t(reasonKey(m.failureReason))}`}
                        </>
                      )}
                    </span>
                  )}
                </p>
              </div>
            </li>
          );
        })}
      </ol>
      <form
        className="border-t border-slate-200 p-3"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor="reply" className="sr-only">
          {t("inbox.reply.label")}
        </label>
        <textarea
          id="reply"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              submit();
            }
          }}
          rows={3}
          maxLength={4096}
          placeholder={t("inbox.reply.placeholder")}
          aria-describedby="reply-hint reply-error"
          className="w-full resize-y rounded border border-slate-300 px-3 py-2 text-sm"
        />
        {files.length > 0 && (
          <ul className="mt-2 flex flex-wrap gap-2" aria-label={t("inbox.attach")}>
            {files.map((f) => (
              <li key={f.id} className="flex items-center gap-1 rounded bg-slate-100 px-2 py-1 text-xs">
                📎 {f.name}
                <button
                  type="button"
                  className="ml-1 rounded px-1 text-slate-600 hover:bg-slate-200"
                  aria-label={t("inbox.attach.remove", { name: f.name })}
                  onClick={() => setFiles((prev) => prev.filter((x) => x.id !== f.id))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
          <label className="cursor-pointer rounded border border-slate-300 px-3 py-1.5 text-sm text-slate-700 focus-within:ring-2 focus-within:ring-brand-600 hover:bg-slate-50">
            {t("inbox.attach")}
            <input type="file" multiple className="sr-only" onChange={(e) => void upload(e.target.files).then(() => (e.target.value = ""))} />
          </label>
          {uploading && (
            <span role="status" className="text-xs text-slate-600">
              {t("inbox.upload.uploading", { name: uploading })}
            </span>
          )}
          <span id="reply-hint" className="text-xs text-slate-500">
            {t("inbox.reply.hint")}
          </span>
          <span id="reply-error" role="alert" className="text-xs text-red-700">
            {formError}
          </span>
          <button type="submit" disabled={reply.isPending || uploading !== null} className="rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {reply.isPending ? t("inbox.reply.sending") : t("inbox.reply.send")}
          </button>
        </div>
      </form>
    </div>
  );
}

type Uploaded = { id: string; name: string; mimeType: string; sizeBytes: number; kind: "image" | "file" };

function AttachmentView({ attachment: a, outbound }: { attachment: Attachment; outbound: boolean }) {
  const t = useT();
  const name = a.name ?? t("inbox.attachment");
  if (a.note) {
    return <p className="mt-1 text-xs italic">{t(`inbox.attachment.${a.note}`, { name })}</p>;
  }
  if (!a.fileId) return <p className="mt-1 text-xs italic">📎 {name}</p>;
  const href = `/api/files/${a.fileId}`;
  if (a.kind === "image") {
    return (
      <a href={href} target="_blank" rel="noreferrer" className="mt-1 block" aria-label={t("inbox.attachment.open", { name })}>
        {/* eslint-disable-next-line @next/next/no-img-element -- a private, session-scoped file, not a static asset */}
        <img src={href} alt={name} className="max-h-48 rounded" loading="lazy" />
      </a>
    );
  }
  return (
    <a href={href} className={`mt-1 block text-xs underline ${outbound ? "text-white" : "text-brand-700"}`}>
      📎 {name}
    </a>
  );
}
