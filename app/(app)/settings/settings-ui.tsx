"use client";
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { MessageKey, Translate } from "~/server/i18n";
import { useT } from "../../_components/providers";

/** A refusal in words: the service's message key, a validation problem, or a generic failure. */
export function errorText(t: Translate, error: unknown): string {
  const data = (error as { data?: { messageKey?: string | null; zodError?: unknown; code?: string } } | null)?.data;
  if (data?.messageKey) return t(data.messageKey as MessageKey);
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
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {notice.text}
        </p>
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
