"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useId, useState } from "react";
import type { AppRouter } from "~/server/api/root";
import { SAVED_REPLY_LOCALES, SAVED_REPLY_VARIABLES, unknownVariables, languageName, type SavedReplyLocale } from "~/server/services/saved-replies/template";
import { useLocale, useT } from "../../../_components/providers";
import { useTRPC } from "../../../_lib/trpc";
import { buttonClass, ConfirmAction, errorText, inputClass, NoticeLine, QueryState, type Notice } from "../settings-ui";

type Reply = inferRouterOutputs<AppRouter>["savedReplies"]["list"][number];
type Scope = Reply["scope"];
type Draft = { id?: string; scope: Scope; code: string; title: string; defaultLocale: SavedReplyLocale; bodies: Record<SavedReplyLocale, string> };

const emptyDraft = (scope: Scope): Draft => ({ scope, code: "", title: "", defaultLocale: "en", bodies: { en: "", ru: "", uk: "" } });
const draftOf = (r: Reply): Draft => ({ id: r.id, scope: r.scope, code: `/${r.code}`, title: r.title, defaultLocale: r.defaultLocale, bodies: { en: r.bodies.en ?? "", ru: r.bodies.ru ?? "", uk: r.bodies.uk ?? "" } });

/**
 * Saved replies: admins keep the company's (Settings → Saved replies) and everyone keeps their own (there and
 * on Account → Saved replies). One editor for both; which procedures it calls follows the reply's scope.
 */
export function SavedRepliesManager({ canManageCompany, ownPage = false }: { canManageCompany: boolean; ownPage?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.savedReplies.list.queryOptions());
  const [notice, setNotice] = useState<Notice>(null);
  const [draft, setDraft] = useState<Draft | null>(null);

  const fail = (error: unknown) => setNotice({ kind: "error", text: errorText(t, error) });
  const done = (text: string) => {
    setNotice({ kind: "ok", text });
    void queryClient.invalidateQueries({ queryKey: trpc.savedReplies.pathKey() });
  };
  const saved = (r: { code: string }) => (setDraft(null), done(t("savedReplies.saved", { code: r.code })));
  const deleted = (r: { code: string }) => done(t("savedReplies.deleted", { code: r.code }));
  const mutations = {
    company: {
      create: useMutation(trpc.savedReplies.company.create.mutationOptions({ onSuccess: saved, onError: fail })),
      update: useMutation(trpc.savedReplies.company.update.mutationOptions({ onSuccess: saved, onError: fail })),
      delete: useMutation(trpc.savedReplies.company.delete.mutationOptions({ onSuccess: deleted, onError: fail })),
    },
    personal: {
      create: useMutation(trpc.savedReplies.mine.create.mutationOptions({ onSuccess: saved, onError: fail })),
      update: useMutation(trpc.savedReplies.mine.update.mutationOptions({ onSuccess: saved, onError: fail })),
      delete: useMutation(trpc.savedReplies.mine.delete.mutationOptions({ onSuccess: deleted, onError: fail })),
    },
  };
  const busy = Object.values(mutations).some((m) => m.create.isPending || m.update.isPending || m.delete.isPending);

  const save = (d: Draft) => {
    setNotice(null);
    const input = { code: d.code, title: d.title, defaultLocale: d.defaultLocale, bodies: d.bodies };
    if (d.id) mutations[d.scope].update.mutate({ ...input, id: d.id });
    else mutations[d.scope].create.mutate(input);
  };

  const scopes: Scope[] = canManageCompany ? ["company", "personal"] : ["personal"];
  return (
    <div className="flex flex-col gap-4">
      <div>
        {/* Its own page outside Settings carries the page's one h1. */}
        {ownPage ? <h1 className="text-xl font-semibold">{t("savedReplies.title")}</h1> : <h2 className="text-lg font-semibold">{t("savedReplies.title")}</h2>}
        <p className="text-sm text-slate-600">{t("savedReplies.description")}</p>
      </div>
      <NoticeLine notice={notice} />
      {scopes.map((scope) => {
        const headingId = `saved-replies-${scope}`;
        const rows = list.data?.filter((r) => r.scope === scope);
        return (
          <section key={scope} aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white">
            <div className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-200 p-4">
              <div className="min-w-0">
                <h3 id={headingId} className="font-semibold">
                  {t(scope === "company" ? "savedReplies.company.heading" : "savedReplies.mine.heading")}
                  {rows && <span className="ml-2 text-sm font-normal text-slate-600">{t("savedReplies.count", { count: rows.length })}</span>}
                </h3>
                <p className="text-sm text-slate-600">{t(scope === "company" ? "savedReplies.company.hint" : "savedReplies.mine.hint")}</p>
              </div>
              {draft?.scope !== scope || draft.id ? (
                <button type="button" className={buttonClass.primary} disabled={busy} onClick={() => (setNotice(null), setDraft(emptyDraft(scope)))} aria-label={t("savedReplies.addTo", { scope: t(scope === "company" ? "savedReplies.company.heading" : "savedReplies.mine.heading") })}>
                  {t("savedReplies.add")}
                </button>
              ) : null}
            </div>
            {draft && draft.scope === scope && !draft.id && <ReplyEditor draft={draft} onChange={setDraft} onSave={save} onCancel={() => setDraft(null)} busy={busy} />}
            <QueryState query={{ ...list, data: rows }} empty={t("savedReplies.count", { count: 0 })}>
              {(items) => (
                <ul className="divide-y divide-slate-100">
                  {items.map((r) =>
                    draft?.id === r.id ? (
                      <li key={r.id}>
                        <ReplyEditor draft={draft} onChange={setDraft} onSave={save} onCancel={() => setDraft(null)} busy={busy} />
                      </li>
                    ) : (
                      <li key={r.id} data-testid="saved-reply-row" className="flex flex-col gap-2 p-4 sm:flex-row sm:items-start sm:justify-between">
                        <div className="min-w-0">
                          <p className="break-words font-medium">
                            <code className="rounded bg-slate-100 px-1">/{r.code}</code> {r.title}
                          </p>
                          <p className="text-xs text-slate-600">{t("savedReplies.languages", { list: SAVED_REPLY_LOCALES.filter((l) => r.bodies[l]).map((l) => languageName(l, locale)).join(", ") })}</p>
                          <p className="mt-1 line-clamp-2 whitespace-pre-wrap break-words text-sm text-slate-700">{r.bodies[r.defaultLocale]}</p>
                        </div>
                        <div className="flex shrink-0 flex-wrap gap-2">
                          <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => (setNotice(null), setDraft(draftOf(r)))} aria-label={t("savedReplies.edit", { code: r.code })}>
                            {t("savedReplies.editButton")}
                          </button>
                          <ConfirmAction
                            label={t("savedReplies.delete", { code: r.code })}
                            question={t("savedReplies.delete.confirm", { code: r.code })}
                            confirmLabel={t("savedReplies.delete.confirmButton")}
                            pending={busy}
                            onConfirm={() => (setNotice(null), mutations[r.scope].delete.mutate({ id: r.id }))}
                          />
                        </div>
                      </li>
                    ),
                  )}
                </ul>
              )}
            </QueryState>
          </section>
        );
      })}
    </div>
  );
}

/** The form for one reply: code, title, default language, and its text in each language, with variables checked as you type. */
function ReplyEditor({ draft, onChange, onSave, onCancel, busy }: { draft: Draft; onChange: (d: Draft) => void; onSave: (d: Draft) => void; onCancel: () => void; busy: boolean }) {
  const t = useT();
  const locale = useLocale();
  const id = useId();
  const unknown = [...new Set(SAVED_REPLY_LOCALES.flatMap((l) => unknownVariables(draft.bodies[l])))];
  const set = (patch: Partial<Draft>) => onChange({ ...draft, ...patch });
  return (
    <form
      className="flex flex-col gap-3 border-b border-slate-100 bg-slate-50 p-4"
      aria-label={draft.id ? t("savedReplies.edit", { code: draft.code.replace(/^\//, "") }) : t("savedReplies.add")}
      onSubmit={(e) => {
        e.preventDefault();
        if (unknown.length === 0) onSave(draft);
      }}
      onKeyDown={(e) => e.key === "Escape" && onCancel()}
    >
      <div className="grid gap-3 sm:grid-cols-[12rem_1fr_12rem]">
        <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
          {t("savedReplies.field.code")}
          <input className={inputClass} required autoFocus maxLength={33} value={draft.code} placeholder="/refund" aria-describedby={`${id}-code`} onChange={(e) => set({ code: e.target.value })} />
        </label>
        <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
          {t("savedReplies.field.title")}
          <input className={inputClass} required maxLength={100} value={draft.title} onChange={(e) => set({ title: e.target.value })} />
        </label>
        <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
          {t("savedReplies.field.default")}
          <select className={inputClass} value={draft.defaultLocale} aria-describedby={`${id}-default`} onChange={(e) => set({ defaultLocale: e.target.value as SavedReplyLocale })}>
            {SAVED_REPLY_LOCALES.map((l) => (
              <option key={l} value={l}>
                {languageName(l, locale)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p id={`${id}-code`} className="text-xs text-slate-600">
        {t("savedReplies.field.code.hint")}
      </p>
      <p id={`${id}-default`} className="text-xs text-slate-600">
        {t("savedReplies.field.default.hint")}
      </p>
      {SAVED_REPLY_LOCALES.map((l) => {
        const bad = unknownVariables(draft.bodies[l]);
        return (
          <label key={l} className="flex min-w-0 flex-col gap-1 text-sm font-medium">
            {t("savedReplies.field.body", { language: languageName(l, locale) })}
            <textarea
              className={`${inputClass} resize-y`}
              rows={3}
              maxLength={4096}
              required={l === draft.defaultLocale}
              value={draft.bodies[l]}
              aria-invalid={bad.length > 0 || undefined}
              aria-describedby={`${id}-vars${bad.length > 0 ? ` ${id}-unknown` : ""}`}
              onChange={(e) => set({ bodies: { ...draft.bodies, [l]: e.target.value } })}
            />
          </label>
        );
      })}
      <p id={`${id}-vars`} className="text-xs text-slate-600">
        {t("savedReplies.variables", { list: SAVED_REPLY_VARIABLES.map((v) => `{{${v}}}`).join(", ") })}
      </p>
      {unknown.length > 0 && (
        <p id={`${id}-unknown`} role="alert" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("savedReplies.unknownVariables", { count: unknown.length, list: unknown.map((v) => `{{${v}}}`).join(", ") })}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className={buttonClass.primary} disabled={busy}>
          {busy ? t("savedReplies.saving") : t("savedReplies.save")}
        </button>
        <button type="button" className={buttonClass.secondary} onClick={onCancel}>
          {t("savedReplies.cancel")}
        </button>
      </div>
    </form>
  );
}
