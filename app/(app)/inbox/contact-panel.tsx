"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { usePathname, useSearchParams } from "next/navigation";
import { createContext, useContext, useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent, type ReactNode } from "react";
import type { AppRouter } from "~/server/api/root";
import { formatDateTime, formatMessageTime, type MessageKey, type Translate } from "~/server/i18n";
import { useLocale, useT } from "../../_components/providers";
import { useRealtime } from "../../_components/realtime";
import { useTRPC } from "../../_lib/trpc";
import { ProviderIcon, useNow } from "./conversation-row";
import { errorText } from "./words";
import { InboxLink } from "./nav";

type Panel = inferRouterOutputs<AppRouter>["contacts"]["panel"];
type Channel = Panel["channel"];

/** At this width and wider the panel sits beside the thread; narrower, it is a drawer opened from the thread's header. */
const WIDE = "(min-width: 1280px)";
function onMediaChange(notify: () => void) {
  const query = window.matchMedia(WIDE);
  query.addEventListener("change", notify);
  return () => query.removeEventListener("change", notify);
}
function useWide(): boolean {
  return useSyncExternalStore(onMediaChange, () => window.matchMedia(WIDE).matches, () => false);
}

const PanelContext = createContext<{ conversationId: string; isAdmin: boolean; wide: boolean } | null>(null);

/**
 * The thread with its contact panel: beside it on a wide screen, behind the "Contact details" button
 * (ContactPanelButton, in the thread's header) on a narrow one.
 */
export function ContactPanelLayout({ conversationId, isAdmin, children }: { conversationId: string; isAdmin: boolean; children: ReactNode }) {
  const t = useT();
  const wide = useWide();
  return (
    <PanelContext.Provider value={{ conversationId, isAdmin, wide }}>
      <div className="flex min-w-0">
        <div className="min-w-0 flex-1">{children}</div>
        {wide && (
          <aside aria-label={t("contacts.panel.title")} data-testid="contact-panel" className="h-[calc(100dvh-9rem)] min-h-96 w-72 shrink-0 overflow-y-auto border-l border-slate-200">
            <ContactPanel conversationId={conversationId} isAdmin={isAdmin} />
          </aside>
        )}
      </div>
    </PanelContext.Provider>
  );
}

/** "Contact details" in the thread's header on a narrow screen: opens the panel as a modal drawer (Escape closes it). */
export function ContactPanelButton() {
  const t = useT();
  const ctx = useContext(PanelContext);
  const [open, setOpen] = useState(false);
  if (!ctx || ctx.wide) return null;
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(true)}
        className="rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-800 hover:bg-slate-50"
      >
        {t("contacts.panel.open")}
      </button>
      {open && <Drawer conversationId={ctx.conversationId} isAdmin={ctx.isAdmin} onClose={() => setOpen(false)} />}
    </>
  );
}

/** A modal <dialog>: the browser moves focus in and keeps it there, Escape closes, focus returns to the button. */
function Drawer({ conversationId, isAdmin, onClose }: { conversationId: string; isAdmin: boolean; onClose: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid="contact-drawer"
      // React's development double effect closes and reopens at once; only a dialog really closed closes the drawer.
      onClose={(event) => {
        if (!event.currentTarget.open) onClose();
      }}
      className="fixed inset-y-0 right-0 left-auto m-0 h-dvh max-h-dvh w-[min(24rem,100vw)] max-w-none overflow-y-auto border-l border-slate-200 bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-2">
        <h2 id={titleId} className="font-semibold">
          {t("contacts.panel.title")}
        </h2>
        <button type="button" autoFocus onClick={() => ref.current?.close()} className="rounded border border-slate-300 px-2.5 py-1 text-sm text-slate-800 hover:bg-slate-50">
          {t("contacts.panel.close")}
        </button>
      </div>
      <ContactPanel conversationId={conversationId} isAdmin={isAdmin} />
    </dialog>
  );
}

const channelWords = (t: Translate, channel: Pick<Channel, "provider" | "name">) => `${t(`provider.${channel.provider}` as MessageKey)} · ${channel.name}`;

/** The address of another conversation in this inbox (same tab and filters). */
function useConversationHref(): (id: string) => string {
  const params = useSearchParams();
  const pathname = usePathname();
  return (id) => {
    const p = new URLSearchParams(params.toString());
    p.set("c", id);
    return `${pathname}?${p.toString()}`;
  };
}

/** Who the customer is, the person's other conversations, notes, and (admins) merge and split. Live for every member. */
export function ContactPanel({ conversationId, isAdmin }: { conversationId: string; isAdmin: boolean }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(60_000);
  const href = useConversationHref();
  const panel = useQuery(trpc.contacts.panel.queryOptions({ conversationId }));
  const data = panel.data;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.contacts.panel.pathKey() });

  // A merge, a split or a note by anyone, a ban, or a change to a conversation listed here: fetched again at once.
  useRealtime((e) => {
    if (!data) return;
    if (e.name === "resync") return refresh();
    if (e.name === "contact.updated") {
      const mine = e.data.personIds?.includes(data.contact.personId) || data.personContacts.some((c) => c.id === e.data.contactId) || e.data.conversationIds.includes(conversationId);
      if (mine) refresh();
      // A merge or split changes how many contacts the person has: the thread's "Erase N contacts" follows.
      if (mine && isAdmin && e.data.personIds) void queryClient.invalidateQueries({ queryKey: trpc.inbox.thread.pathKey() });
      return;
    }
    const changed = "conversationId" in e.data ? e.data.conversationId : null;
    if (changed && data.conversations.some((c) => c.id === changed)) refresh();
  });

  if (panel.isError) return <p className="p-4 text-sm text-red-700">{t("errors.notFound")}</p>;
  if (!data) {
    return (
      <p className="p-4 text-sm text-slate-600" aria-busy="true">
        {t("contacts.panel.loading")}
      </p>
    );
  }
  const { contact, channel, line } = data;
  const dt = "text-xs text-slate-500";
  return (
    <div className="space-y-4 p-4 text-sm">
      <section aria-labelledby="contact-panel-name">
        <h3 id="contact-panel-name" className="break-words text-base font-semibold">
          {contact.displayName}
        </h3>
        <dl className="mt-2 space-y-1.5">
          <div>
            <dt className={dt}>{t("contacts.panel.handle")}</dt>
            <dd>{contact.username ? `@${contact.username}` : t("contacts.panel.noHandle")}</dd>
          </div>
          <div>
            <dt className={dt}>{t("contacts.panel.channel")}</dt>
            <dd>
              <ProviderIcon provider={channel.provider} /> {channelWords(t, channel)}
              {contact.chatKind === "group" && ` · ${t("contacts.panel.group")}`}
            </dd>
          </div>
          <div>
            <dt className={dt}>{t("contacts.panel.line")}</dt>
            <dd>{line?.name ?? t("contacts.panel.noLine")}</dd>
          </div>
          <div>
            <dt className={dt}>{t("contacts.panel.firstSeen")}</dt>
            <dd>
              <time dateTime={contact.firstSeenAt.toISOString()}>{formatDateTime(locale, contact.firstSeenAt)}</time>
            </dd>
          </div>
          <div>
            <dt className={dt}>{t("contacts.panel.ban")}</dt>
            <dd data-testid="contact-ban-state" className={contact.bannedAt ? "text-red-800" : undefined}>
              {contact.bannedAt ? t("contacts.panel.banned", { date: formatDateTime(locale, contact.bannedAt, "short") }) : t("contacts.panel.notBanned")}
              {contact.blockedUsAt && <span className="block text-amber-900">{t("contacts.panel.blocked")}</span>}
            </dd>
          </div>
        </dl>
      </section>

      {data.personContacts.length > 1 && <PersonContacts data={data} isAdmin={isAdmin} onChanged={refresh} />}

      <section aria-labelledby="contact-panel-conversations">
        <h3 id="contact-panel-conversations" className="font-semibold">
          {t("contacts.panel.conversations")}
        </h3>
        {data.conversations.length === 0 ? (
          <p className="mt-1 text-slate-600">{t("contacts.panel.conversationsNone")}</p>
        ) : (
          <ul className="mt-1 space-y-1" data-testid="contact-conversations">
            {data.conversations.map((c) => (
              <li key={c.id}>
                <InboxLink href={href(c.id)} className="block rounded border border-slate-200 px-2 py-1.5 hover:bg-slate-50">
                  <span className="flex items-center gap-1 font-medium text-brand-700 underline">
                    <ProviderIcon provider={c.channel.provider} /> {channelWords(t, c.channel)}
                  </span>
                  <span className="block text-xs text-slate-600">
                    {c.contactName !== contact.displayName && `${c.contactName} · `}
                    {t(`conversation.status.${c.status}` as MessageKey)}
                    {c.lineName && ` · ${c.lineName}`} · {t("contacts.panel.lastMessage", { date: formatMessageTime(locale, c.lastMessageAt, now) })}
                  </span>
                </InboxLink>
              </li>
            ))}
          </ul>
        )}
        {data.conversationsTotal > data.conversations.length && (
          <p className="mt-1 text-xs text-slate-600">{t("contacts.panel.conversationsShown", { shown: data.conversations.length, count: data.conversationsTotal })}</p>
        )}
      </section>

      <Notes data={data} onAdded={refresh} />

      {isAdmin && <Merge data={data} onMerged={refresh} />}
    </div>
  );
}

/** The person's contacts after a merge; admins may split one out again. */
function PersonContacts({ data, isAdmin, onChanged }: { data: Panel; isAdmin: boolean; onChanged: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [confirm, setConfirm] = useState<Panel["personContacts"][number] | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const split = useMutation(
    trpc.contacts.split.mutationOptions({
      onSuccess: () => {
        setMessage({ text: t("contacts.panel.splitDone", { name: confirm?.displayName ?? "" }), error: false });
        setConfirm(null);
        onChanged();
      },
      onError: (e) => setMessage({ text: errorText(t, e, "errors.generic"), error: true }),
    }),
  );
  return (
    <section aria-labelledby="contact-panel-person">
      <h3 id="contact-panel-person" className="font-semibold">
        {t("contacts.panel.contacts", { count: data.personContacts.length })}
      </h3>
      <ul className="mt-1 space-y-1">
        {data.personContacts.map((c) => (
          <li key={c.id} className="flex flex-wrap items-center justify-between gap-1">
            <span className="min-w-0 break-words">
              <ProviderIcon provider={c.channel.provider} /> {c.displayName} · {channelWords(t, c.channel)}
              {c.id === data.contact.id && <span className="text-xs text-slate-500"> ({t("contacts.panel.thisContact")})</span>}
            </span>
            {isAdmin && (
              <button
                type="button"
                aria-label={t("contacts.panel.splitLabel", { name: c.displayName, channel: channelWords(t, c.channel) })}
                onClick={() => setConfirm(c)}
                className="rounded border border-slate-300 px-2 py-0.5 text-xs text-slate-800 hover:bg-slate-50"
              >
                {t("contacts.panel.split")}
              </button>
            )}
          </li>
        ))}
      </ul>
      {confirm && (
        <div role="alertdialog" aria-labelledby="split-question" className="mt-2 rounded border border-amber-200 bg-amber-50 p-2 text-amber-950">
          <p id="split-question">{t("contacts.panel.splitConfirm", { name: confirm.displayName, channel: channelWords(t, confirm.channel) })}</p>
          <div className="mt-2 flex flex-wrap gap-2">
            <button type="button" autoFocus disabled={split.isPending} onClick={() => split.mutate({ contactId: confirm.id })} className="rounded border border-brand-600 bg-brand-600 px-2.5 py-1 text-white disabled:opacity-60">
              {split.isPending ? t("contacts.panel.working") : t("contacts.panel.splitYes")}
            </button>
            <button type="button" onClick={() => setConfirm(null)} className="rounded border border-slate-300 bg-white px-2.5 py-1 text-slate-800">
              {t("contacts.panel.cancel")}
            </button>
          </div>
        </div>
      )}
      <p role="status" className={`text-xs ${message?.error ? "text-red-700" : "text-green-800"}`}>
        {message?.text}
      </p>
    </section>
  );
}

/** The team's notes about the person, newest first, and a form to add one (never sent to the customer). */
function Notes({ data, onAdded }: { data: Panel; onAdded: () => void }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const now = useNow(60_000);
  const [text, setText] = useState("");
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const fieldId = useId();
  const hintId = useId();
  const add = useMutation(
    trpc.contacts.addNote.mutationOptions({
      onSuccess: () => {
        setText("");
        setMessage({ text: t("contacts.notes.added"), error: false });
        onAdded();
      },
      onError: (e) => setMessage({ text: errorText(t, e, "contacts.error.noteLength"), error: true }),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setMessage({ text: t("contacts.error.noteLength"), error: true });
    add.mutate({ contactId: data.contact.id, text });
  };
  return (
    <section aria-labelledby="contact-panel-notes">
      <h3 id="contact-panel-notes" className="font-semibold">
        {t("contacts.notes.title")} <span className="text-xs font-normal text-slate-500">({t("contacts.notes.count", { count: data.notes.length })})</span>
      </h3>
      <form onSubmit={submit} className="mt-1 space-y-1">
        <label htmlFor={fieldId} className="block text-xs text-slate-700">
          {t("contacts.notes.label")}
        </label>
        <textarea
          id={fieldId}
          aria-describedby={hintId}
          value={text}
          maxLength={2000}
          rows={2}
          onChange={(e) => setText(e.target.value)}
          className="w-full rounded border border-slate-300 px-2 py-1 text-sm"
        />
        <p id={hintId} className="text-xs text-slate-500">
          {t("contacts.notes.hint")}
        </p>
        <button type="submit" disabled={add.isPending} className="rounded border border-brand-600 bg-brand-600 px-2.5 py-1 text-white hover:bg-brand-700 disabled:opacity-60">
          {add.isPending ? t("contacts.panel.working") : t("contacts.notes.add")}
        </button>
        <p role="status" className={`text-xs ${message?.error ? "text-red-700" : "text-green-800"}`}>
          {message?.text}
        </p>
      </form>
      {data.notes.length === 0 ? (
        <p className="mt-1 text-slate-600">{t("contacts.notes.none")}</p>
      ) : (
        <ul className="mt-2 space-y-2" data-testid="contact-notes">
          {data.notes.map((n) => (
            <li key={n.id} className="rounded bg-amber-50 px-2 py-1.5">
              <p className="whitespace-pre-wrap break-words">{n.text}</p>
              <p className="mt-0.5 text-xs text-slate-600" title={formatDateTime(locale, n.createdAt)}>
                {t("contacts.notes.byline", { name: n.authorName ?? t("contacts.notes.formerMember"), date: formatMessageTime(locale, n.createdAt, now) })}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Admins: find the same person's contact on another channel (name or @handle) and merge, after a confirmation naming both. */
function Merge({ data, onMerged }: { data: Panel; onMerged: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [chosen, setChosen] = useState<{ id: string; displayName: string; channel: Channel } | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const searchId = useId();
  useEffect(() => {
    const id = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(id);
  }, [search]);
  const candidates = useQuery({ ...trpc.contacts.mergeCandidates.queryOptions({ contactId: data.contact.id, q }), enabled: open && q.length > 0 });
  const merge = useMutation(
    trpc.contacts.merge.mutationOptions({
      onSuccess: () => {
        setMessage({ text: t("contacts.merge.done", { name: data.contact.displayName, other: chosen?.displayName ?? "" }), error: false });
        setChosen(null);
        setOpen(false);
        setSearch("");
        onMerged();
      },
      onError: (e) => setMessage({ text: errorText(t, e, "errors.generic"), error: true }),
    }),
  );
  const results = candidates.data ?? [];
  return (
    <section aria-labelledby="contact-panel-merge">
      <h3 id="contact-panel-merge" className="sr-only">
        {t("contacts.merge.title")}
      </h3>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="contact-merge-form"
        onClick={() => setOpen((v) => !v)}
        className="rounded border border-slate-300 px-2.5 py-1 text-slate-800 hover:bg-slate-50"
      >
        {t("contacts.merge.open")}
      </button>
      {open && (
        <div id="contact-merge-form" className="mt-2 space-y-2">
          <label htmlFor={searchId} className="block text-xs text-slate-700">
            {t("contacts.merge.search")}
          </label>
          <input id={searchId} type="search" value={search} autoFocus onChange={(e) => setSearch(e.target.value)} className="w-full rounded border border-slate-300 px-2 py-1" />
          {q && candidates.data && (
            <p role="status" className="text-xs text-slate-600">
              {results.length ? t("contacts.merge.results", { count: results.length }) : t("contacts.merge.noResults")}
            </p>
          )}
          <ul className="space-y-1">
            {results.map((c) => (
              <li key={c.id}>
                <button type="button" onClick={() => setChosen(c)} className="w-full rounded border border-slate-200 px-2 py-1 text-left hover:bg-slate-50">
                  <ProviderIcon provider={c.channel.provider} /> {t("contacts.merge.choose", { name: c.username ? `${c.displayName} (@${c.username})` : c.displayName, channel: channelWords(t, c.channel) })}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {chosen && (
        <div role="alertdialog" aria-labelledby="merge-question" className="mt-2 rounded border border-amber-200 bg-amber-50 p-2 text-amber-950">
          <p id="merge-question">
            {t("contacts.merge.confirm", { name: data.contact.displayName, channel: channelWords(t, data.channel), other: chosen.displayName, otherChannel: channelWords(t, chosen.channel) })}
          </p>
          <div className="mt-2 flex flex-wrap gap-2">
            <button
              type="button"
              autoFocus
              disabled={merge.isPending}
              onClick={() => merge.mutate({ contactId: data.contact.id, otherContactId: chosen.id })}
              className="rounded border border-brand-600 bg-brand-600 px-2.5 py-1 text-white disabled:opacity-60"
            >
              {merge.isPending ? t("contacts.panel.working") : t("contacts.merge.yes")}
            </button>
            <button type="button" onClick={() => setChosen(null)} className="rounded border border-slate-300 bg-white px-2.5 py-1 text-slate-800">
              {t("contacts.panel.cancel")}
            </button>
          </div>
        </div>
      )}
      <p role="status" className={`text-xs ${message?.error ? "text-red-700" : "text-green-800"}`}>
        {message?.text}
      </p>
    </section>
  );
}
