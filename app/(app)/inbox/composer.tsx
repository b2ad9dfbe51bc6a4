"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { AppRouter } from "~/server/api/root";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";
import { leaveEndedSession } from "../../_lib/session-ended";
import { useViewerId } from "../../_components/viewer";
import { readDraft, writeDraft } from "../../_lib/drafts";
import { useTRPC } from "../../_lib/trpc";
import { SavedReplyPicker } from "./saved-reply-picker";
import { mentionedIn, useMentionSuggest } from "./mention-suggest";
import { errorText } from "./words";
import { PresenceLine, ReplyConflict, useConversationPresence, useReplyGuard } from "./presence";

type ThreadPage = inferRouterOutputs<AppRouter>["inbox"]["thread"];
type Uploaded = { id: string; name: string; mimeType: string; sizeBytes: number; kind: "image" | "file" };


/** States that refuse before sending: the composer says why instead of offering Send. */
const REFUSED: Partial<Record<ThreadPage["composer"]["state"], MessageKey>> = {
  banned: "inbox.composer.banned",
  blocked: "inbox.composer.blocked",
  window_closed: "inbox.composer.windowClosed",
  vk_answer_only: "inbox.composer.vkAnswerOnly",
};

const COARSE = "(pointer: coarse)";
const subscribeCoarse = (change: () => void) => {
  const query = window.matchMedia(COARSE);
  query.addEventListener("change", change);
  return () => query.removeEventListener("change", change);
};

/**
 * The reply box. With a keyboard Enter sends and Shift+Enter starts a new line; on a touch screen (pointer: coarse),
 * whose keyboard has no Shift, Enter starts a new line and the Send button sends; the draft is kept per person and conversation in
 * this browser (localStorage), survives a reload and is removed when the session ends (app/_lib/drafts.ts). What the channel allows is said in words above it.
 */
export function Composer({ thread, isAdmin }: { thread: ThreadPage; isAdmin: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { conversation, channel, composer } = thread;
  const conversationId = conversation.id;
  const userId = useViewerId();
  const touch = useSyncExternalStore(subscribeCoarse, () => window.matchMedia(COARSE).matches, () => false);
  // The composer mounts in the browser only (the thread loads client-side), so reading storage here is safe.
  const [text, setText] = useState(() => readDraft(userId, conversationId));
  const [files, setFiles] = useState<Uploaded[]>([]);
  const [uploading, setUploading] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  // Reply goes to the customer; Note stays with the team (never sent), and @name mentions a colleague.
  // The mode is kept with the draft: a note's draft never comes back after a reload as a reply, one Enter from the customer.
  const [mode, setMode] = useState<"reply" | "note">(() => (readDraft(userId, `${conversationId}:mode`) === "note" ? "note" : "reply"));
  const note = mode === "note";
  const field = useRef<HTMLTextAreaElement>(null);
  const people = (useQuery(trpc.inbox.options.queryOptions()).data?.people ?? []).filter((p) => p.id !== userId);
  const mention = useMentionSuggest({ enabled: note, people, text, setText, textarea: field });
  useEffect(() => writeDraft(userId, `${conversationId}:mode`, text && mode === "note" ? "note" : ""), [text, mode, userId, conversationId]);

  useEffect(() => writeDraft(userId, conversationId, text), [text, userId, conversationId]);
  const presence = useConversationPresence(conversation, text, mode);
  const guard = useReplyGuard(thread.messages, text);

  const reply = useMutation(
    trpc.inbox.reply.mutationOptions({
      onSuccess: () => {
        setText("");
        setFiles([]);
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.thread.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.counts.pathKey() });
      },
      onError: (e) => setFormError(errorText(t, e, "inbox.reply.failed")),
    }),
  );

  const addNote = useMutation(
    trpc.inbox.notes.add.mutationOptions({
      onSuccess: () => {
        setText("");
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.thread.pathKey() });
      },
      onError: (e) => setFormError(errorText(t, e, "inbox.note.failed")),
    }),
  );

  // A note can always be written: what refuses a reply (ban, window, channel) does not concern the team.
  const refusal = note ? undefined : REFUSED[composer.state];
  const pending = reply.isPending || addNote.isPending;
  const submit = (anyway = false) => {
    if (refusal || pending) return;
    if (!text.trim() && (note || files.length === 0)) {
      setFormError(t(note ? "inbox.note.empty" : "inbox.reply.empty"));
      return;
    }
    if (!anyway && !note && guard.holdSend()) return;
    setFormError(null);
    if (note) addNote.mutate({ conversationId, text, mentionUserIds: mentionedIn(text, people) });
    else reply.mutate({ conversationId, text, fileIds: files.map((f) => f.id) });
  };

  const upload = async (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      setUploading(file.name);
      setFormError(null);
      const body = new FormData();
      body.set("file", file);
      try {
        const res = await fetch("/api/uploads", { method: "POST", body });
        // The session ended (deactivated, signed out elsewhere): to sign-in, saying why, not "could not be uploaded".
        if (res.status === 401) return leaveEndedSession();
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
    <form
      className="relative border-t border-slate-200 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div id="composer-state" data-testid="composer-state" data-state={composer.state} role="status" className="mb-2 space-y-1 text-sm empty:hidden">
        {refusal && <p className="rounded bg-red-50 px-2 py-1 text-red-900">{t(refusal)}</p>}
        {composer.state === "channel_down" && (
          <p className="rounded bg-amber-50 px-2 py-1 text-amber-900">
            {t(composer.channelStatus === "stopped" ? "inbox.composer.stopped" : "inbox.composer.disconnected", { channel: channel.name })}
            {isAdmin && (
              <>
                {" "}
                <Link href={`/settings/channels/${channel.id}`} className="underline">
                  {t(composer.channelStatus === "stopped" ? "inbox.composer.startLink" : "inbox.composer.reconnectLink", { channel: channel.name })}
                </Link>
              </>
            )}
          </p>
        )}
        {composer.state === "bot_handling" && <p className="rounded bg-violet-50 px-2 py-1 text-violet-900">{t("inbox.composer.botHandling")}</p>}
        {composer.state === "ready" && composer.humanAgent && <p className="text-xs text-slate-600">{t("inbox.composer.humanAgent")}</p>}
        {composer.state === "ready" && composer.vkAnswerOnly && <p className="text-xs text-slate-600">{t("inbox.composer.vkHint")}</p>}
      </div>
      <div role="group" aria-label={t("inbox.composer.mode")} className="mb-2 inline-flex rounded border border-slate-300 p-0.5 text-sm">
        {(["reply", "note"] as const).map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={mode === m}
            onClick={() => {
              setMode(m);
              setFormError(null);
              field.current?.focus();
            }}
            className={`rounded px-3 py-1 ${mode === m ? (m === "note" ? "bg-amber-200 font-medium text-amber-950" : "bg-slate-900 font-medium text-white") : "text-slate-700 hover:bg-slate-100"}`}
          >
            {t(m === "note" ? "inbox.composer.modeNote" : "inbox.composer.modeReply")}
          </button>
        ))}
      </div>
      {note && (
        <p id="note-hint" className="mb-1 text-xs text-amber-900">
          {t("inbox.note.hint")}
        </p>
      )}
      {mention.list}
      <PresenceLine presence={presence} />
      <ReplyConflict guard={guard} onSendAnyway={() => submit(true)} />
      <label htmlFor="reply" className="sr-only">
        {t(note ? "inbox.note.label" : "inbox.reply.label")}
      </label>
      <textarea
        id="reply"
        ref={field}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          mention.onCaret();
        }}
        onSelect={mention.onCaret}
        onKeyDown={(e) => {
          if (mention.onKeyDown(e)) return;
          if (e.key === "Enter" && !touch && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
        rows={3}
        enterKeyHint={touch ? "enter" : "send"}
        maxLength={4096}
        placeholder={t(note ? "inbox.note.placeholder" : "inbox.reply.placeholder")}
        aria-describedby={`composer-state ${note ? "note-hint " : ""}reply-hint reply-error`}
        {...mention.inputProps}
        className={`w-full resize-y rounded border px-3 py-2 text-sm max-sm:h-16 ${note ? "border-amber-400 bg-amber-50" : "border-slate-300"}`}
      />
      {!note && files.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-2" aria-label={t("inbox.attach")}>
          {files.map((f) => (
            <li key={f.id} className="flex max-w-full items-center gap-1 break-all rounded bg-slate-100 px-2 py-1 text-xs">
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
        {!note && (
          <label className="cursor-pointer rounded border border-slate-300 px-3 py-1.5 text-sm text-slate-700 focus-within:ring-2 focus-within:ring-brand-600 hover:bg-slate-50">
            {t("inbox.attach")}
            <input type="file" multiple className="sr-only" onChange={(e) => void upload(e.target.files).then(() => (e.target.value = ""))} />
          </label>
        )}
        <SavedReplyPicker conversationId={conversationId} reply={field} onText={setText} isAdmin={isAdmin} />
        {uploading && (
          <span role="status" className="text-xs text-slate-600">
            {t("inbox.upload.uploading", { name: uploading })}
          </span>
        )}
        <span id="reply-hint" className="min-w-0 flex-1 text-xs text-slate-500 max-sm:order-last max-sm:basis-full">
          {t(touch ? "inbox.composer.hintTouch" : "inbox.composer.hint")}
        </span>
        <span id="reply-error" role="alert" className="text-xs text-red-700">
          {formError}
        </span>
        <button
          type="submit"
          disabled={pending || (!note && uploading !== null) || Boolean(refusal)}
          className={`rounded px-4 py-2 text-sm font-medium disabled:opacity-60 ${note ? "bg-amber-700 text-white hover:bg-amber-800" : "bg-brand-600 text-white hover:bg-brand-700"}`}
        >
          {note
            ? t(addNote.isPending ? "inbox.note.adding" : "inbox.note.add")
            : reply.isPending
              ? t("inbox.reply.sending")
              : composer.state === "bot_handling"
                ? t("inbox.composer.replyAnyway")
                : t("inbox.reply.send")}
        </button>
      </div>
    </form>
  );
}
