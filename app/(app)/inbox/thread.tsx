"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { usePathname, useSearchParams } from "next/navigation";
import { Fragment, memo, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Attachment } from "~/db/schema";
import type { AppRouter } from "~/server/api/root";
import { formatDateTime, formatMessageTime, reasonKey, type MessageKey } from "~/server/i18n";
import { useLocale, useT } from "../../_components/providers";
import { useViewerId } from "../../_components/viewer";
import { useTRPC } from "../../_lib/trpc";
import { Composer } from "./composer";
import { ContactPanelButton } from "./contact-panel";
import { ProviderIcon, useNow } from "./conversation-row";
import { noteParts } from "./mention-text";
import { InboxLink } from "./nav";
import { keepNewestThreadPage, threadQuery } from "./queries";
import { sameShallow } from "./same";
import { errorText, noteText, outcomeText, type Outcome } from "./words";

type Outputs = inferRouterOutputs<AppRouter>["inbox"];
type Options = Outputs["options"];
type ThreadPage = Outputs["thread"];

/** One conversation: header with actions, the contact's whole history page by page, and the composer. */
export function Thread({ conversationId, backHref, options }: { conversationId: string; backHref: string; options: Options | undefined }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const thread = useInfiniteQuery(threadQuery(trpc, conversationId));
  const pages = thread.data?.pages ?? [];
  const head = pages[0];
  // An erasure asked for from this thread: its progress replaces the thread, whose content is going away.
  const [erasure, setErasure] = useState<{ id: string; name: string; conversationId: string } | null>(null);
  const openHref = useConversationHref(head?.openConversationId ?? null);
  const messages = pages
    .slice()
    .reverse()
    .flatMap((p) => p.messages);
  // One clock for every message's time (each row had its own timer), read again each minute.
  const now = useNow(60_000);
  // Closed, the thread keeps only its newest page in the cache: opened again, it shows (and refetches) that page
  // rather than every page read before, and the older ones load again as the reader scrolls up.
  useEffect(() => () => keepNewestThreadPage(queryClient, trpc, conversationId), [queryClient, trpc, conversationId]);

  // Read state: what is on screen is read (the list's unread count drops for this reader only).
  const markRead = useMutation(
    trpc.inbox.markRead.mutationOptions({
      onSuccess: (r) => {
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.list.pathKey() });
        // Opening the conversation read the notes in it that mention the reader.
        if (r.mentionsRead > 0) void queryClient.invalidateQueries({ queryKey: trpc.inbox.notes.pathKey() });
      },
    }),
  );
  const newest = messages.at(-1)?.id;
  useEffect(() => {
    if (newest) markRead.mutate({ conversationId });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per newest message
  }, [newest, conversationId]);

  // New messages are announced (aria-live) and scrolled into view; loading older ones keeps the reader's place.
  const scroller = useRef<HTMLOListElement>(null);
  const [announced, setAnnounced] = useState("");
  const seen = useRef<{ newest?: string; oldest?: string; count: number; height: number }>({ count: 0, height: 0 });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const s = seen.current;
    const oldest = messages[0]?.id;
    if (s.newest === undefined) el.scrollTop = el.scrollHeight;
    else if (oldest !== s.oldest && newest === s.newest) el.scrollTop += el.scrollHeight - s.height;
    else if (newest !== s.newest) {
      const added = messages.length - s.count;
      if (added > 0 && s.newest) setAnnounced(t("inbox.thread.newMessages", { count: added }));
      if (el.scrollHeight - el.scrollTop - el.clientHeight < 200 + (el.scrollHeight - s.height)) el.scrollTop = el.scrollHeight;
    }
    seen.current = { newest, oldest, count: messages.length, height: el.scrollHeight };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs when the first or last message changes, not on every render
  }, [newest, messages[0]?.id, messages.length]);

  // Scrolling up to the top loads the older page by itself (the effect above keeps the reading position); the button
  // stays for keyboards. A thread that fits on screen loads nothing until asked.
  const sentinel = useRef<HTMLLIElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = thread;
  const shown = Boolean(head);
  useEffect(() => {
    const root = scroller.current;
    const target = sentinel.current;
    if (!shown || !root || !target || !hasNextPage || isFetchingNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && root.scrollHeight > root.clientHeight) void fetchNextPage({ cancelRefetch: false });
      },
      { root, rootMargin: "300px 0px 0px 0px" },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [shown, hasNextPage, isFetchingNextPage, fetchNextPage]);

  if (erasure?.conversationId === conversationId) return <ErasureProgress erasureId={erasure.id} name={erasure.name} backHref={backHref} />;
  if (thread.isError) return <p className="p-6 text-sm text-red-700">{t("errors.notFound")}</p>;
  if (!head) return <p className="p-6 text-sm text-slate-600" aria-busy="true">…</p>;
  const { conversation, contact, channel, line, assignee, sessions } = head;
  const sessionOf = new Map(sessions.map((s) => [s.id, s]));
  const dividers = new Set<string>();
  // Someone else's conversation: said before replying, not after.
  const othersAssignee = assignee && assignee.id !== options?.me?.id ? assignee : null;

  return (
    <div className="flex h-[calc(100dvh-9rem)] min-h-96 min-w-0 flex-col">
      <header className="space-y-2 border-b border-slate-200 px-4 py-2">
        <InboxLink href={backHref} className="text-sm text-brand-600 underline md:hidden">
          {t("inbox.back")}
        </InboxLink>
        <div className="min-w-0">
          <h2 className="truncate font-semibold">
            {contact.displayName}
            {contact.username && <span className="ml-2 text-sm font-normal text-slate-500">@{contact.username}</span>}
          </h2>
          <p className="text-xs text-slate-600">
            <ProviderIcon provider={channel.provider} /> {t("inbox.via", { channel: `${t(`provider.${channel.provider}` as MessageKey)} · ${channel.name}` })}
            {line && <> · {t("inbox.thread.line", { line: line.name })}</>} · {t(`conversation.status.${conversation.status}` as MessageKey)} ·{" "}
            {assignee ? t("inbox.row.assignee", { name: assignee.name }) : t("inbox.row.unassigned")}
          </p>
        </div>
        <Actions thread={head} options={options} onErasing={(id) => setErasure({ id, name: contact.displayName, conversationId })} />
        <ContactPanelButton />
      </header>
      {(conversation.handler === "bot" || head.handover?.botOff || channel.status !== "active" || contact.blockedUsAt || contact.bannedAt) && (
        <div className="space-y-1 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900" role="status" data-testid="thread-banner">
          {conversation.handler === "bot" && (
            <p>
              {t("inbox.botHandling")}
              {head.handover?.owner && (
                <span className="ml-1 text-xs" data-testid="thread-owner">
                  {t("inbox.handover.owner", {
                    owner: head.handover.owner.kind === "app" && head.handover.owner.appName ? "named" : head.handover.owner.kind,
                    app: head.handover.owner.appName ?? head.handover.owner.appId ?? "",
                  })}
                </span>
              )}
            </p>
          )}
          {conversation.handler === "humans" && head.handover?.botOff && <p data-testid="bot-off">{t("inbox.handover.botOff")}</p>}
          {channel.status !== "active" && <p>{t(channel.status === "stopped" ? "inbox.channelStopped" : "inbox.channelDown", { channel: channel.name })}</p>}
          {contact.blockedUsAt && <p>{t("inbox.contactBlocked")}</p>}
          {contact.bannedAt && <p>{t("inbox.composer.banned")}</p>}
        </div>
      )}
      <ol ref={scroller} className="min-w-0 flex-1 space-y-3 overflow-y-auto overflow-x-hidden p-4 [overflow-anchor:none]" aria-label={contact.displayName} data-testid="thread">
        <li ref={sentinel} className="text-center">
          {thread.hasNextPage ? (
            <button
              type="button"
              onClick={() => void thread.fetchNextPage()}
              disabled={thread.isFetchingNextPage}
              className="rounded border border-slate-300 px-3 py-1 text-xs text-slate-700 hover:bg-slate-50 disabled:opacity-60"
            >
              {thread.isFetchingNextPage ? t("inbox.thread.loadingOlder") : t("inbox.thread.loadOlder")}
            </button>
          ) : (
            <span className="text-xs text-slate-500">{messages.length ? t("inbox.thread.beginning") : t("inbox.noMessages")}</span>
          )}
        </li>
        {messages.map((m, i) => {
          const session = sessionOf.get(m.conversationId);
          // A separator where a session begins (the first loaded message begins one only if nothing older is left),
          // once per session: a message kept in an older session later never repeats its divider.
          const newSession = session && !dividers.has(m.conversationId) && (i === 0 ? !thread.hasNextPage : messages[i - 1]!.conversationId !== m.conversationId);
          if (session) dividers.add(m.conversationId);
          return (
            <Fragment key={m.id}>
              {newSession && (
                <li role="separator" className="flex items-center gap-2 text-xs text-slate-500">
                  <span aria-hidden className="h-px flex-1 bg-slate-200" />
                  <span>
                    {t("inbox.session.started", { date: formatMessageTime(locale, session.createdAt) })}
                    {session.lineName && ` · ${session.lineName}`}
                    {session.closedAt && ` · ${t("inbox.session.closed", { date: formatMessageTime(locale, session.closedAt) })}`}
                  </span>
                  <span aria-hidden className="h-px flex-1 bg-slate-200" />
                </li>
              )}
              <MessageItem message={m} provider={channel.provider} channelStatus={channel.status} now={now} />
            </Fragment>
          );
        })}
      </ol>
      <p aria-live="polite" className="sr-only">
        {announced}
      </p>
      {openHref ? (
        // The customer wrote again after this one closed: their new conversation is where to answer.
        <div role="status" data-testid="continued-elsewhere" className="border-t border-slate-200 bg-blue-50 p-3 text-sm text-blue-950">
          <p>{t("inbox.thread.continuedElsewhere")}</p>
          <InboxLink href={openHref} className="mt-1 inline-block rounded bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">
            {t("inbox.outcome.goToOpen")}
          </InboxLink>
        </div>
      ) : (
        <>
          {othersAssignee && conversation.status !== "closed" && (
            <p data-testid="assigned-warning" className="border-t border-slate-200 bg-amber-50 px-3 pt-2 text-sm text-amber-900">
              {t("inbox.composer.assignedTo", { name: othersAssignee.name })}
            </p>
          )}
          <Composer key={conversationId} thread={head} isAdmin={options?.me?.role === "admin"} />
        </>
      )}
    </div>
  );
}

/** A note's text with the people it mentions marked (the reader's own name most of all). */
function NoteText({ text }: { text: string }) {
  const t = useT();
  const trpc = useTRPC();
  const me = useViewerId();
  // Names only: a colleague going away does not re-render the thread's notes.
  const people = useQuery({ ...trpc.inbox.options.queryOptions(), select: (o) => o.people.map((p) => ({ id: p.id, name: p.name })) }).data ?? [];
  return (
    <p className="whitespace-pre-wrap break-words">
      {noteParts(text, people).map((part, i) =>
        "mention" in part ? (
          <strong key={i} data-testid="note-mention" className={`rounded px-0.5 font-semibold ${part.userId === me ? "bg-amber-300 text-amber-950" : "bg-amber-100 text-amber-950"}`}>
            {part.mention}
            {part.userId === me && <span className="sr-only"> ({t("inbox.note.mentionsYou")})</span>}
          </strong>
        ) : (
          <Fragment key={i}>{part.text}</Fragment>
        ),
      )}
    </p>
  );
}

type MessageItemProps = { message: ThreadPage["messages"][number]; provider: ThreadPage["channel"]["provider"]; channelStatus: string; now: number };

/**
 * One message. Memoized on its message's values, the channel's provider and status and the shared clock, so a new
 * page, a live message or a refetch renders only the rows it adds or changes.
 */
const MessageItem = memo(function MessageItem({ message: m, provider, channelStatus, now }: MessageItemProps) {
  const t = useT();
  const locale = useLocale();
  if (m.note) {
    return (
      <li className="text-center text-xs text-slate-600" data-testid="system-note">
        <span className="rounded bg-slate-100 px-2 py-0.5">
          {noteText(t, m.note)} · {formatMessageTime(locale, m.createdAt, now)}
        </span>
      </li>
    );
  }
  if (m.authorKind === "note") {
    // A private note: the team's only, never sent, so it has no delivery status.
    return (
      <li className="flex min-w-0 justify-end" data-testid="private-note">
        <div className="min-w-0 max-w-[85%] rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <p className="mb-1 text-xs text-amber-900">
            {m.authorUserName ?? t("inbox.author.note")} · <span className="font-medium">{t("inbox.note.visibility")}</span>
          </p>
          <NoteText text={m.text ?? ""} />
          <p className="mt-1 text-right text-xs text-amber-900">
            <MessageTime message={m} now={now} />
          </p>
        </div>
      </li>
    );
  }
  const out = m.direction === "outbound";
  const author =
    m.authorKind === "operator"
      ? (m.authorUserName ?? t("inbox.author.providerInbox", { provider: t(`provider.${provider}` as MessageKey) }))
      : m.authorKind === "bot"
        ? (m.authorName ?? t("inbox.author.bot"))
        : (m.authorName ?? t(`inbox.author.${m.authorKind}`));
  return (
    <li className={`flex min-w-0 ${out ? "justify-end" : "justify-start"}`}>
      <div className={`min-w-0 max-w-[85%] rounded-lg px-3 py-2 text-sm ${out ? (m.authorKind === "bot" ? "bg-violet-700 text-white" : "bg-brand-600 text-white") : "bg-slate-100"}`}>
        <p className={`mb-1 text-xs ${out ? "text-blue-100" : "text-slate-500"}`}>
          {author}
          {m.authorKind === "customer" && <span className="sr-only"> ({t("inbox.author.customer")})</span>}
          {m.authorKind === "bot" && <span className="ml-1 rounded bg-amber-200 px-1 text-amber-900">{t("inbox.author.bot")}</span>}
          {m.authorKind === "system" && <span className="ml-1 rounded bg-slate-200 px-1 text-slate-800">{t("inbox.author.system")}</span>}
        </p>
        {m.text && <p className="whitespace-pre-wrap break-words">{m.text}</p>}
        {m.attachments.map((a, i) => (
          <AttachmentView key={i} attachment={a} outbound={out} />
        ))}
        <p className={`mt-1 text-right text-xs ${out ? "text-blue-100" : "text-slate-500"}`}>
          <MessageTime message={m} now={now} />
          {out && (
            <span data-testid="delivery-status" className="ml-2">
              {m.deliveryStatus === "pending" && (m.failureReason === "connection_lost" || channelStatus !== "active") ? (
                // Held, not "Sending": nothing goes out until the channel is back (reconnected, or started again).
                t(channelStatus === "stopped" ? "delivery.waitingStart" : "delivery.waitingReconnect")
              ) : m.deliveryStatus === "failed" && m.failureReason === "maybe_delivered" ? (
                <SendAgain messageId={m.id} />
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
}, sameMessageRow);

/** A row renders again only when its message's values (./same.ts), the channel or the clock changed. */
function sameMessageRow(a: MessageItemProps, b: MessageItemProps): boolean {
  return a.provider === b.provider && a.channelStatus === b.channelStatus && a.now === b.now && sameShallow(a.message, b.message);
}

/**
 * When the customer wrote it (the provider's time): a message recovered after an outage arrives later but shows when
 * it was written, and its title says when it reached us. Ours show when they were written here.
 */
function MessageTime({ message: m, now }: { message: ThreadPage["messages"][number]; now: number }) {
  const t = useT();
  const locale = useLocale();
  const written = m.direction === "inbound" && m.providerTimestamp ? m.providerTimestamp : m.createdAt;
  const late = written !== m.createdAt && m.createdAt.getTime() - written.getTime() > 60_000;
  return (
    <time
      dateTime={written.toISOString()}
      title={late ? t("inbox.message.arrivedLater", { written: formatDateTime(locale, written, "short"), arrived: formatDateTime(locale, m.createdAt, "short") }) : formatDateTime(locale, written, "medium")}
    >
      {formatMessageTime(locale, written, now)}
    </time>
  );
}

function OpenConversationLink({ id }: { id: string }) {
  const t = useT();
  const href = useConversationHref(id);
  return href ? (
    <InboxLink href={href} className="font-medium underline">
      {t("inbox.outcome.goToOpen")}
    </InboxLink>
  ) : null;
}

/** The address of another conversation in this inbox (same tab and filters), or null. */
function useConversationHref(id: string | null): string | null {
  const params = useSearchParams();
  const pathname = usePathname();
  if (!id) return null;
  const p = new URLSearchParams(params.toString());
  p.set("c", id);
  return `${pathname}?${p.toString()}`;
}

/**
 * A reply whose send got no answer after it left (or was interrupted): the messenger may have delivered it, so it
 * is never repeated by itself. The operator checks the chat and may send it once more.
 */
function SendAgain({ messageId }: { messageId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const again = useMutation(
    trpc.inbox.sendAgain.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() }),
      onError: (e) => setError(errorText(t, e, "errors.generic")),
    }),
  );
  return (
    <span className="block text-left">
      {t("ingest.send.maybeDelivered")}{" "}
      <button type="button" className="underline" disabled={again.isPending} onClick={() => again.mutate({ messageId })}>
        {t("ingest.send.sendAgain")}
      </button>
      {error && (
        <span role="alert" className="block">
          {error}
        </span>
      )}
    </span>
  );
}

/** Take, Assign (a person or a team), Close / Reopen, and for admins Ban / Unban and Erase; each answer said in words. */
function Actions({ thread, options, onErasing }: { thread: ThreadPage; options: Options | undefined; onErasing: (erasureId: string) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const locale = useLocale();
  const [message, setMessage] = useState<{ text: string; error: boolean; openId?: string } | null>(null);
  const [confirmTakeOver, setConfirmTakeOver] = useState(false);
  const [assignOpen, setAssignOpen] = useState(false);
  const [target, setTarget] = useState("");
  const [confirmBan, setConfirmBan] = useState(false);
  const [confirmErase, setConfirmErase] = useState<"contact" | "person" | null>(null);
  const { conversation, contact } = thread;
  const me = options?.me;
  const owner = thread.assignee && thread.assignee.id !== me?.id ? thread.assignee : null;
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
  };
  const answered = (done: MessageKey) => (o: Outcome) => {
    setMessage(o.ok ? { text: t(done), error: false } : { text: outcomeText(t, o, (at) => formatMessageTime(locale, at)), error: true, openId: o.conversationId });
    refresh();
  };
  const failed = (e: { message: string }) => setMessage({ text: errorText(t, e, "errors.generic"), error: true });
  const take = useMutation(trpc.inbox.take.mutationOptions({ onSuccess: answered("inbox.done.taken"), onError: failed }));
  const assign = useMutation(trpc.inbox.assign.mutationOptions({ onSuccess: (o) => (answered("inbox.done.assigned")(o), setAssignOpen(false)), onError: failed }));
  const takeOver = useMutation(trpc.inbox.assign.mutationOptions({ onSuccess: (o) => (answered("inbox.done.takenOver")(o), setConfirmTakeOver(false)), onError: failed }));
  const close = useMutation(trpc.inbox.close.mutationOptions({ onSuccess: answered("inbox.done.closed"), onError: failed }));
  const reopen = useMutation(trpc.inbox.reopen.mutationOptions({ onSuccess: answered("inbox.done.reopened"), onError: failed }));
  const passToBot = useMutation(trpc.inbox.passToBot.mutationOptions({ onSuccess: answered("inbox.done.passedToBot"), onError: failed }));
  const ban = useMutation(
    trpc.inbox.setBanned.mutationOptions({
      onSuccess: (r) => {
        setMessage({ text: t(r.banned ? "inbox.done.banned" : "inbox.done.unbanned"), error: false });
        setConfirmBan(false);
        refresh();
      },
      onError: failed,
    }),
  );
  const erase = useMutation(trpc.inbox.eraseContact.mutationOptions({ onSuccess: (r) => onErasing(r.id), onError: failed }));
  const erasePerson = useMutation(trpc.inbox.erasePerson.mutationOptions({ onSuccess: (r) => onErasing(r.id), onError: failed }));
  const busy =
    take.isPending || takeOver.isPending || assign.isPending || close.isPending || reopen.isPending || ban.isPending || passToBot.isPending || erase.isPending || erasePerson.isPending;
  const open = conversation.status !== "closed";
  // F10: once a bot was seen on this customer's thread (or it handed the thread over), it can be passed back.
  const handover = thread.handover;
  const canPassToBot = open && conversation.handler === "humans" && handover !== null && (handover.botOff || handover.botAppId !== null);
  const button = "rounded border px-2.5 py-1 text-sm disabled:opacity-60";

  return (
    <div role="group" aria-label={t("inbox.actions.label")} className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {open && (!conversation.assigneeId || (conversation.assigneeId === me?.id && conversation.status === "new")) && (
          <button type="button" disabled={busy} onClick={() => take.mutate({ conversationId: conversation.id })} className={`${button} border-brand-600 bg-brand-600 text-white hover:bg-brand-700`}>
            {t("inbox.action.take")}
          </button>
        )}
        {open && owner && me && (
          // Someone else's: never a plain Take; taking it over is said and confirmed first.
          <button type="button" disabled={busy} aria-expanded={confirmTakeOver} onClick={() => setConfirmTakeOver(true)} className={`${button} border-slate-300 text-slate-800 hover:bg-slate-50`}>
            {t("inbox.action.takeOver", { name: owner.name })}
          </button>
        )}
        {open && (
          <button type="button" disabled={busy} aria-expanded={assignOpen} aria-controls="assign-form" onClick={() => setAssignOpen((v) => !v)} className={`${button} border-slate-300 text-slate-800 hover:bg-slate-50`}>
            {t("inbox.action.assign")}
          </button>
        )}
        {open ? (
          <button type="button" disabled={busy} onClick={() => close.mutate({ conversationId: conversation.id })} className={`${button} border-slate-300 text-slate-800 hover:bg-slate-50`}>
            {t("inbox.action.close")}
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => reopen.mutate({ conversationId: conversation.id })} className={`${button} border-slate-300 text-slate-800 hover:bg-slate-50`}>
            {t("inbox.action.reopen")}
          </button>
        )}
        {canPassToBot && (
          <button
            type="button"
            disabled={busy || !handover.botAppId}
            title={handover.botAppId ? t("inbox.action.passToBotHint", { app: handover.botAppId }) : t("inbox.handover.botUnknown")}
            onClick={() => passToBot.mutate({ conversationId: conversation.id })}
            className={`${button} border-violet-700 text-violet-800 hover:bg-violet-50`}
          >
            {t("inbox.action.passToBot")}
          </button>
        )}
        {me?.role === "admin" &&
          (contact.bannedAt ? (
            <button type="button" disabled={busy} onClick={() => ban.mutate({ conversationId: conversation.id, banned: false })} className={`${button} border-slate-300 text-slate-800 hover:bg-slate-50`}>
              {t("inbox.action.unban")}
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => setConfirmBan(true)} className={`${button} border-red-300 text-red-800 hover:bg-red-50`}>
              {t("inbox.action.ban")}
            </button>
          ))}
        {me?.role === "admin" && (
          <button
            type="button"
            disabled={busy}
            aria-expanded={confirmErase === "contact"}
            onClick={() => setConfirmErase("contact")}
            className={`${button} border-red-700 text-red-800 hover:bg-red-50`}
            data-testid="erase-contact"
          >
            {t("inbox.erase.action")}
          </button>
        )}
        {me?.role === "admin" && contact.personContacts > 1 && (
          <button
            type="button"
            disabled={busy}
            aria-expanded={confirmErase === "person"}
            onClick={() => setConfirmErase("person")}
            className={`${button} border-red-700 text-red-800 hover:bg-red-50`}
            data-testid="erase-person"
          >
            {t("inbox.erasePerson.action", { count: contact.personContacts })}
          </button>
        )}
      </div>
      {assignOpen && (
        <form
          id="assign-form"
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const [kind, id] = target.split(":");
            if (!id || (kind !== "user" && kind !== "team")) return;
            assign.mutate({ conversationId: conversation.id, to: { kind, id }, expectedAssigneeId: conversation.assigneeId });
          }}
        >
          <label className="flex min-w-0 flex-col gap-0.5 text-xs text-slate-700">
            {t("inbox.action.assignLabel")}
            <select value={target} onChange={(e) => setTarget(e.target.value)} required className="min-w-0 max-w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm">
              <option value="" disabled>
                —
              </option>
              <optgroup label={t("inbox.action.assignPeople")}>
                {(options?.people ?? []).map((p) => (
                  <option key={p.id} value={`user:${p.id}`}>
                    {p.present ? p.name : t("inbox.action.assignAway", { name: p.name })}
                  </option>
                ))}
              </optgroup>
              <optgroup label={t("inbox.action.assignTeams")}>
                {(options?.teams ?? []).map((tm) => (
                  <option key={tm.id} value={`team:${tm.id}`}>
                    {tm.name}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
          <button type="submit" disabled={busy || !target} className={`${button} border-brand-600 bg-brand-600 text-white hover:bg-brand-700`}>
            {t("inbox.action.assignSubmit")}
          </button>
        </form>
      )}
      {confirmTakeOver && owner && me && (
        <div role="alertdialog" aria-labelledby="take-over-question" className="rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-950">
          <p id="take-over-question">{t("inbox.action.takeOverConfirm", { name: owner.name })}</p>
          <div className="mt-2 flex gap-2">
            <button
              type="button"
              autoFocus
              disabled={busy}
              onClick={() => takeOver.mutate({ conversationId: conversation.id, to: { kind: "user", id: me.id }, expectedAssigneeId: owner.id })}
              className={`${button} border-brand-600 bg-brand-600 text-white`}
            >
              {t("inbox.action.takeOverYes")}
            </button>
            <button type="button" onClick={() => setConfirmTakeOver(false)} className={`${button} border-slate-300 bg-white text-slate-800`}>
              {t("inbox.action.cancel")}
            </button>
          </div>
        </div>
      )}
      {confirmBan && (
        <div role="alertdialog" aria-labelledby="ban-question" className="rounded border border-red-200 bg-red-50 p-2 text-sm text-red-900">
          <p id="ban-question">{t("inbox.action.banConfirm", { name: contact.displayName })}</p>
          <div className="mt-2 flex gap-2">
            <button type="button" autoFocus disabled={busy} onClick={() => ban.mutate({ conversationId: conversation.id, banned: true })} className={`${button} border-red-700 bg-red-700 text-white`}>
              {t("inbox.action.confirm")}
            </button>
            <button type="button" onClick={() => setConfirmBan(false)} className={`${button} border-slate-300 bg-white text-slate-800`}>
              {t("inbox.action.cancel")}
            </button>
          </div>
        </div>
      )}
      {confirmErase && (
        <div role="alertdialog" aria-labelledby="erase-question" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900">
          <p id="erase-question">
            {confirmErase === "person"
              ? t("inbox.erasePerson.confirm", { name: contact.displayName, count: contact.personContacts })
              : t("inbox.erase.confirm", { name: contact.displayName })}
          </p>
          <div className="mt-2 flex flex-wrap gap-2">
            <button
              type="button"
              disabled={busy}
              onClick={() => (confirmErase === "person" ? erasePerson : erase).mutate({ conversationId: conversation.id })}
              className={`${button} border-red-700 bg-red-700 text-white`}
            >
              {confirmErase === "person" ? t("inbox.erasePerson.confirmYes", { count: contact.personContacts }) : t("inbox.erase.confirmYes")}
            </button>
            <button type="button" autoFocus onClick={() => setConfirmErase(null)} className={`${button} border-slate-300 bg-white text-slate-800`}>
              {t("inbox.action.cancel")}
            </button>
          </div>
        </div>
      )}
      <p role="status" className={`text-xs ${message?.error ? "text-red-700" : "text-green-800"}`}>
        {busy ? t("inbox.action.working") : message?.text}
        {!busy && message?.openId && (
          <>
            {" "}
            <OpenConversationLink id={message.openId} />
          </>
        )}
      </p>
    </div>
  );
}

/** An erasure under way, then its outcome (counts only): polled, since the contact's threads are being deleted. */
function ErasureProgress({ erasureId, name, backHref }: { erasureId: string; name: string; backHref: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const erasure = useQuery(
    trpc.inbox.erasure.queryOptions({ erasureId }, { refetchInterval: (q) => (q.state.data?.status === "done" || q.state.data?.status === "failed" ? false : 1000) }),
  );
  const status = erasure.data?.status;
  useEffect(() => {
    if (status === "done") void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
  }, [status, queryClient, trpc]);
  const e = erasure.data;
  // A person's erasure (several contacts) says how many; one contact's, as before.
  const text = !e
    ? t("inbox.erase.queued", { name })
    : e.contacts > 1
      ? e.status === "done"
        ? t("inbox.erasePerson.done", { name, count: e.contacts, messages: e.messages, files: e.files, events: e.rawEvents })
        : e.status === "failed"
          ? t("inbox.erasePerson.failed", { name, failed: e.failed })
          : t(e.status === "queued" ? "inbox.erasePerson.queued" : "inbox.erasePerson.running", { name, count: e.contacts, messages: e.messages })
      : e.status === "done"
        ? t("inbox.erase.done", { name, messages: e.messages, files: e.files, events: e.rawEvents })
        : e.status === "failed"
          ? t("inbox.erase.failed", { name })
          : t(e.status === "queued" ? "inbox.erase.queued" : "inbox.erase.running", { name, messages: e.messages });
  return (
    <div className="space-y-3 p-6 text-sm" data-testid="erasure">
      <p role="status" aria-busy={status !== "done" && status !== "failed"} className={status === "failed" ? "text-red-700" : "text-slate-800"}>
        {text}
      </p>
      <InboxLink href={backHref} className="text-brand-600 underline">
        {t("inbox.erase.back")}
      </InboxLink>
    </div>
  );
}

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
        <img src={href} alt={name} className="max-h-48 max-w-full rounded" loading="lazy" />
      </a>
    );
  }
  return (
    <a href={href} className={`mt-1 block break-all text-xs underline ${outbound ? "text-white" : "text-brand-700"}`}>
      📎 {name}
    </a>
  );
}
