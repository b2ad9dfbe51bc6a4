"use client";
import { useId, useState, type KeyboardEvent, type ReactNode, type RefObject } from "react";
import { useT } from "../../_components/providers";

type Person = { id: string; name: string };

/** At most this many people are suggested at once. */
const SHOWN = 8;

/** The "@word" the caret is at the end of, if any (start is the @'s index). */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(?:^|\s)@([^\s@]{0,40})$/u.exec(text.slice(0, caret));
  return m ? { start: caret - m[1]!.length - 1, query: m[1]! } : null;
}

/** People whose name (any word of it) starts with the query, case- and accent-blind. */
export function peopleMatching<P extends Person>(people: P[], query: string): P[] {
  const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
  const q = fold(query);
  return people.filter((p) => fold(p.name).split(/\s+/).some((word) => word.startsWith(q)) || fold(p.name).startsWith(q));
}

/** Whom a note mentions: everyone whose "@Full Name" it contains. */
export function mentionedIn(text: string, people: Person[]): string[] {
  return people.filter((p) => text.includes(`@${p.name}`)).map((p) => p.id);
}

/**
 * `@name` suggestions for a textarea, as a combobox's listbox (WAI-ARIA combobox pattern, list autocomplete): the
 * textarea keeps focus and names the active option (aria-activedescendant); ArrowUp/ArrowDown move, Enter or Tab
 * mentions, Escape closes; a click works too. The caller passes every key to `onKeyDown` first (true: handled) and
 * calls `onCaret` when the text or the caret moves.
 */
export function useMentionSuggest({
  enabled,
  people,
  text,
  setText,
  textarea,
}: {
  enabled: boolean;
  people: Person[];
  text: string;
  setText: (text: string) => void;
  textarea: RefObject<HTMLTextAreaElement | null>;
}) {
  const t = useT();
  const listId = useId();
  const [at, setAt] = useState<{ start: number; end: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const matches = enabled && at ? peopleMatching(people, at.query).slice(0, SHOWN) : [];
  const open = matches.length > 0;
  const current = Math.min(active, matches.length - 1);

  const onCaret = () => {
    const el = textarea.current;
    const found = enabled && el ? mentionQueryAt(el.value, el.selectionStart ?? el.value.length) : null;
    setAt(found && el ? { ...found, end: el.selectionStart ?? el.value.length } : null);
    setActive(0);
  };

  const choose = (person: Person) => {
    if (!at) return;
    const inserted = `@${person.name} `;
    setText(text.slice(0, at.start) + inserted + text.slice(at.end));
    setAt(null);
    const caret = at.start + inserted.length;
    requestAnimationFrame(() => {
      textarea.current?.focus();
      textarea.current?.setSelectionRange(caret, caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || e.nativeEvent.isComposing) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setActive((current + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length);
      return true;
    }
    if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      choose(matches[current]!);
      return true;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      setAt(null);
      return true;
    }
    return false;
  };

  const optionId = (i: number) => `${listId}-option-${i}`;
  const list: ReactNode = (
    <>
      {open && (
        <ul id={listId} role="listbox" aria-label={t("inbox.mention.suggestions")} className="mb-1 max-h-48 overflow-y-auto rounded border border-slate-300 bg-white py-1 text-sm shadow">
          {matches.map((p, i) => (
            <li
              key={p.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              // The textarea keeps focus: a click chooses without blurring it.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(p);
              }}
              className={`cursor-pointer px-3 py-1 ${i === current ? "bg-amber-100 text-amber-950" : "text-slate-800 hover:bg-slate-50"}`}
            >
              @{p.name}
            </li>
          ))}
        </ul>
      )}
      <span role="status" className="sr-only">
        {enabled && at ? t("inbox.mention.matches", { count: matches.length }) : ""}
      </span>
    </>
  );

  return {
    onKeyDown,
    onCaret,
    list,
    inputProps: {
      "aria-autocomplete": "list" as const,
      "aria-controls": open ? listId : undefined,
      "aria-activedescendant": open ? optionId(current) : undefined,
    },
  };
}
