"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState, type RefObject } from "react";
import { flushSync } from "react-dom";
import { languageName, savedReplyLocale, type SavedReplyLocale } from "~/server/services/saved-replies/template";
import { useLocale, useT } from "../../_components/providers";
import { useTRPC } from "../../_lib/trpc";

/** Opened by typing `/` in an empty reply (the reply becomes the saved one), or by the button (inserted at the caret). */
type Mode = "slash" | "button";

/**
 * Saved replies in the composer: a search box that is a combobox over the matching replies (↑ ↓ choose, Enter
 * inserts, Esc closes), each already filled in for this conversation by the server, in the customer's language
 * when the reply has it, with a choice of the other languages. The operator edits the inserted text before
 * sending. Hooks into the reply box by its ref; the composer only keeps the text.
 */
export function SavedReplyPicker({ conversationId, reply, onText, isAdmin }: { conversationId: string; reply: RefObject<HTMLTextAreaElement | null>; onText: (text: string) => void; isAdmin: boolean }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const id = useId();
  const [mode, setMode] = useState<Mode | null>(null);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [chosen, setChosen] = useState<Record<string, SavedReplyLocale>>({});
  const search = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const caret = useRef<[number, number]>([0, 0]);

  const open = (how: Mode) => {
    const box = reply.current;
    caret.current = [box?.selectionStart ?? 0, box?.selectionEnd ?? 0];
    // Synchronously, so the next key typed after `/` lands in the search box.
    flushSync(() => {
      setMode(how);
      setQuery("");
      setActive(0);
    });
    search.current?.focus();
  };

  // `/` typed into an empty reply opens the picker instead (beforeinput: keyboards and phones' virtual keyboards alike).
  useEffect(() => {
    const box = reply.current;
    if (!box) return;
    const onBeforeInput = (e: InputEvent) => {
      if (e.inputType === "insertText" && e.data === "/" && box.value === "" && !e.isComposing) {
        e.preventDefault();
        open("slash");
      }
    };
    box.addEventListener("beforeinput", onBeforeInput);
    return () => box.removeEventListener("beforeinput", onBeforeInput);
    // open only reads refs and setters
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reply]);

  const results = useQuery({
    ...trpc.savedReplies.search.queryOptions({ conversationId, query }),
    enabled: mode !== null,
    placeholderData: keepPreviousData,
  });
  const replies = results.data?.replies ?? [];
  const current = replies[Math.min(active, replies.length - 1)];
  const localeOf = (r: (typeof replies)[number]) => chosen[r.id] ?? r.offered;
  const customerLanguage = savedReplyLocale(results.data?.language);

  const close = (focusReply: boolean) => {
    setMode(null);
    if (focusReply) reply.current?.focus();
    else button.current?.focus();
  };

  const insert = (r: (typeof replies)[number]) => {
    const text = r.variants.find((v) => v.locale === localeOf(r))?.text ?? r.variants[0]?.text ?? "";
    const before = reply.current?.value ?? "";
    const [start, end] = mode === "slash" ? [0, before.length] : caret.current;
    const next = before.slice(0, start) + text + before.slice(end);
    flushSync(() => onText(next));
    close(true);
    reply.current?.setSelectionRange(start + text.length, start + text.length);
  };

  const escape = () => {
    // What was typed after `/` is not lost: it goes back into the reply as written.
    if (mode === "slash") {
      const typed = `/${query}`;
      flushSync(() => onText(typed));
      reply.current?.setSelectionRange(typed.length, typed.length);
    }
    close(mode === "slash");
  };

  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-option-${i}`;
  const status = results.isError ? t("savedReplies.picker.failed") : results.isPending ? t("savedReplies.picker.loading") : t("savedReplies.picker.results", { count: replies.length });

  return (
    // The panel opens above the whole reply box (the composer's form is its positioned ancestor), so it fits at 390 px.
    <div>
      <button
        ref={button}
        type="button"
        aria-expanded={mode !== null}
        aria-controls={mode ? `${id}-panel` : undefined}
        onClick={() => (mode ? close(false) : open("button"))}
        className="rounded border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
      >
        {t("savedReplies.picker.open")}
      </button>
      {mode && (
        <div
          id={`${id}-panel`}
          role="dialog"
          aria-label={t("savedReplies.picker.open")}
          data-testid="saved-reply-picker"
          className="absolute bottom-full left-3 right-3 z-20 mb-1 flex max-h-[60vh] flex-col sm:right-auto sm:w-[32rem] gap-2 rounded-lg border border-slate-300 bg-white p-3 shadow-lg"
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.preventDefault();
              e.stopPropagation();
              escape();
            }
          }}
        >
          <div className="flex items-center gap-2">
            <label htmlFor={`${id}-search`} className="sr-only">
              {t("savedReplies.picker.search")}
            </label>
            <div className="flex min-w-0 flex-1 items-center gap-1 rounded border border-slate-300 px-2">
              <span aria-hidden className="text-slate-500">
                /
              </span>
              <input
                ref={search}
                id={`${id}-search`}
                role="combobox"
                aria-expanded={replies.length > 0}
                aria-controls={listId}
                aria-autocomplete="list"
                aria-activedescendant={current ? optionId(replies.indexOf(current)) : undefined}
                aria-describedby={`${id}-hint`}
                autoComplete="off"
                maxLength={200}
                value={query}
                placeholder={t("savedReplies.picker.search")}
                className="min-w-0 flex-1 py-1.5 text-sm"
                onChange={(e) => {
                  setQuery(e.target.value);
                  setActive(0);
                }}
                onKeyDown={(e) => {
                  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                    e.preventDefault();
                    if (replies.length) setActive((i) => (Math.min(i, replies.length - 1) + (e.key === "ArrowDown" ? 1 : replies.length - 1)) % replies.length);
                  } else if (e.key === "Enter" && !e.nativeEvent.isComposing) {
                    e.preventDefault();
                    if (current) insert(current);
                  } else if (e.key === "Backspace" && query === "" && mode === "slash") {
                    // Deleting the `/` itself closes the picker, as if it had never opened.
                    e.preventDefault();
                    close(true);
                  }
                }}
              />
            </div>
            <button type="button" onClick={() => escape()} aria-label={t("savedReplies.picker.close")} className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100">
              ×
            </button>
          </div>
          <p role="status" className="text-xs text-slate-600">
            {status}
            {customerLanguage && ` · ${t("savedReplies.picker.customerLanguage", { language: languageName(customerLanguage, locale) })}`}
          </p>
          <ul id={listId} role="listbox" aria-label={t("savedReplies.picker.list")} className="min-h-0 flex-1 divide-y divide-slate-100 overflow-y-auto">
            {replies.map((r, i) => {
              const selected = r === current;
              const text = r.variants.find((v) => v.locale === localeOf(r))?.text ?? "";
              return (
                <li
                  key={r.id}
                  id={optionId(i)}
                  role="option"
                  aria-selected={selected}
                  // The search box keeps the focus; a click picks.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => insert(r)}
                  onMouseMove={() => !selected && setActive(i)}
                  className={`cursor-pointer rounded px-2 py-1.5 text-sm ${selected ? "bg-blue-50 ring-1 ring-brand-600" : "hover:bg-slate-50"}`}
                >
                  <span className="font-medium">
                    <code>/{r.code}</code> {r.title}
                  </span>
                  <span className="text-xs text-slate-600">
                    {" "}
                    · {t(r.scope === "company" ? "savedReplies.scope.company" : "savedReplies.scope.personal")} · {languageName(localeOf(r), locale)}
                  </span>
                  <span className="mt-0.5 line-clamp-2 block whitespace-pre-wrap break-words text-xs text-slate-700">{text}</span>
                </li>
              );
            })}
          </ul>
          {current && current.variants.length > 1 && (
            <label className="flex items-center gap-2 text-xs font-medium text-slate-700">
              {t("savedReplies.picker.language")}
              <select
                value={localeOf(current)}
                onChange={(e) => setChosen((c) => ({ ...c, [current.id]: e.target.value as SavedReplyLocale }))}
                className="rounded border border-slate-300 px-2 py-1 text-xs"
              >
                {current.variants.map((v) => (
                  <option key={v.locale} value={v.locale}>
                    {languageName(v.locale, locale)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-600">
            <span id={`${id}-hint`}>{t("savedReplies.picker.hint")}</span>
            <Link href={isAdmin ? "/settings/saved-replies" : "/account/saved-replies"} className="text-brand-700 underline">
              {t("savedReplies.picker.manage")}
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
