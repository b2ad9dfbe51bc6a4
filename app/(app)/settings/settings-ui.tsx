"use client";
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { MessageKey, Translate } from "~/server/i18n";
import { useT } from "../../_components/providers";
import { Refusal } from "../../_components/refusal";

/** A refusal in words: the service's message key, a validation problem, or a generic failure. */
export function errorText(t: Translate, error: unknown): string {
  const data = (error as { data?: { messageKey?: string | null; zodError?: unknown; code?: string; errorId?: string | null } } | null)?.data;
  // An unexpected failure carries the id that finds its details in the server log.
  if (data?.messageKey) return t(data.messageKey as MessageKey, { id: data.errorId ?? "" });
  if (data?.zodError) return t("people.common.invalidInput");
  if (data?.code === "FORBIDDEN") return t("errors.forbidden");
  if (data?.code === "NOT_FOUND") return t("errors.notFound");
  return t("errors.generic");
}

export type Notice = { kind: "ok" | "error"; text: string } | null;

/** Results of actions, announced to screen readers: polite for success, assertive for refusals. */
export function NoticeLine({ notice }: { notice: Notice }) {
  return (
    <>
      <p role="status" aria-live="polite" className={notice?.kind === "ok" ? "rounded border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900" : "sr-only"}>
        {notice?.kind === "ok" ? notice.text : ""}
      </p>
      {notice?.kind === "error" && (
        <Refusal>
          {notice.text}
        </Refusal>
      )}
    </>
  );
}

export const buttonClass = {
  primary: "rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60",
  secondary: "rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60",
  danger: "rounded bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60",
  dangerOutline: "rounded border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 disabled:opacity-60",
};

export const inputClass = "w-full min-w-0 rounded border border-slate-300 px-3 py-1.5 text-sm font-normal";

/**
 * A destructive action in two steps: the button opens an inline confirmation that says what will happen, with
 * the confirm button focused so Enter confirms and Escape or "Cancel" backs out.
 */
export function ConfirmAction({ label, question, confirmLabel, pending, onConfirm, tone = "danger" }: { label: string; question: ReactNode; confirmLabel: string; pending?: boolean; onConfirm: () => void; tone?: "danger" | "secondary" }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Back to the button that opened the confirmation when it closes, so keyboard users keep their place.
  useEffect(() => {
    if (wasOpen.current && !open) trigger.current?.focus();
    wasOpen.current = open;
  }, [open]);
  if (!open) {
    return (
      <button ref={trigger} type="button" className={tone === "danger" ? buttonClass.dangerOutline : buttonClass.secondary} onClick={() => setOpen(true)} disabled={pending}>
        {label}
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-label={label} className="w-full rounded border border-red-200 bg-red-50 p-3 text-sm" onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
      <p className="text-red-900">{question}</p>
      <div className="mt-2 flex flex-wrap gap-2">
        <button
          type="button"
          autoFocus
          className={buttonClass.danger}
          disabled={pending}
          onClick={() => {
            setOpen(false);
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" className={buttonClass.secondary} onClick={() => setOpen(false)}>
          {t("people.common.cancel")}
        </button>
      </div>
    </div>
  );
}

/**
 * The head of a named-things list (lines, teams): its title with a count, what it is for, and a one-field form to
 * create one.
 */
export function NamedListHead(props: {
  headingId: string;
  title: string;
  count?: string;
  description: string;
  createLabel: string;
  submitLabel: string;
  value: string;
  onChange: (value: string) => void;
  onCreate: () => void;
  busy: boolean;
}) {
  return (
    <div className="border-b border-slate-200 p-4">
      <h2 id={props.headingId} className="font-semibold">
        {props.title}
        {props.count && <span className="ml-2 text-sm font-normal text-slate-600">{props.count}</span>}
      </h2>
      <p className="text-sm text-slate-600">{props.description}</p>
      <form
        className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          props.onCreate();
        }}
      >
        <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium">
          {props.createLabel}
          <input className={inputClass} required maxLength={100} value={props.value} onChange={(e) => props.onChange(e.target.value)} />
        </label>
        <button type="submit" className={buttonClass.primary} disabled={props.busy}>
          {props.submitLabel}
        </button>
      </form>
    </div>
  );
}

/** Loading, a refusal in words, or nothing yet — else the list itself. */
export function QueryState<T>({ query, empty, children }: { query: { isPending: boolean; isError: boolean; error: unknown; data: T[] | undefined }; empty: string; children: (rows: T[]) => ReactNode }) {
  const t = useT();
  if (query.isPending) return <p className="p-4 text-sm text-slate-600">{t("people.common.loading")}</p>;
  if (query.isError || !query.data) return <p role="alert" className="p-4 text-sm text-red-800">{errorText(t, query.error)}</p>;
  if (query.data.length === 0) return <p className="p-4 text-sm text-slate-600">{empty}</p>;
  return <>{children(query.data)}</>;
}

/** Renaming in place: the new name, Save, and Cancel (Escape cancels too). */
export function RenameForm({ label, value, onChange, onSave, onCancel, busy, className = "" }: { label: string; value: string; onChange: (value: string) => void; onSave: () => void; onCancel: () => void; busy: boolean; className?: string }) {
  const t = useT();
  return (
    <form
      className={`flex flex-col gap-2 sm:flex-row sm:items-end ${className}`}
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
      onKeyDown={(e) => e.key === "Escape" && onCancel()}
    >
      <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium">
        {label}
        <input className={inputClass} autoFocus required maxLength={100} value={value} onChange={(e) => onChange(e.target.value)} />
      </label>
      <div className="flex gap-2">
        <button type="submit" className={buttonClass.primary} disabled={busy}>
          {t("people.common.save")}
        </button>
        <button type="button" className={buttonClass.secondary} onClick={onCancel}>
          {t("people.common.cancel")}
        </button>
      </div>
    </form>
  );
}
