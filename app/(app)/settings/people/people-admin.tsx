"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../../_components/providers";
import { useTRPC } from "../../../_lib/trpc";
import { buttonClass, ConfirmAction, errorText, inputClass, NoticeLine, type Notice } from "../settings-ui";

type Role = "admin" | "operator";

const statusBadge: Record<string, string> = {
  active: "bg-green-100 text-green-900",
  invited: "bg-amber-100 text-amber-900",
  deactivated: "bg-slate-200 text-slate-800",
};

export function PeopleAdmin() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const people = useQuery(trpc.people.list.queryOptions());
  const [notice, setNotice] = useState<Notice>(null);
  const [form, setForm] = useState<{ name: string; email: string; role: Role }>({ name: "", email: "", role: "operator" });

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.people.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.teams.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.mailbox.pathKey() });
  };
  const fail = (error: unknown) => setNotice({ kind: "error", text: errorText(t, error) });
  const roleName = (role: Role) => t(role === "admin" ? "role.admin" : "role.operator");

  const invite = useMutation(
    trpc.people.invite.mutationOptions({
      onSuccess: (result) => {
        setNotice({ kind: "ok", text: t("people.invite.done", { email: result.user.email }) });
        setForm({ name: "", email: "", role: "operator" });
        refresh();
      },
      onError: fail,
    }),
  );
  const resend = useMutation(trpc.people.resendInvitation.mutationOptions({ onSuccess: (r) => (setNotice({ kind: "ok", text: t("people.resent", { email: r.email }) }), refresh()), onError: fail }));
  const changeRole = useMutation(
    trpc.people.changeRole.mutationOptions({ onSuccess: (r) => (setNotice({ kind: "ok", text: t("people.roleChanged", { name: r.name, role: roleName(r.role) }) }), refresh()), onError: (e) => (fail(e), refresh()) }),
  );
  const deactivate = useMutation(trpc.people.deactivate.mutationOptions({ onSuccess: (r) => (setNotice({ kind: "ok", text: t("people.deactivated", { name: r.name }) }), refresh()), onError: fail }));
  const reactivate = useMutation(trpc.people.reactivate.mutationOptions({ onSuccess: (r) => (setNotice({ kind: "ok", text: t("people.reactivated", { name: r.name }) }), refresh()), onError: fail }));
  const sendReset = useMutation(trpc.people.sendPasswordReset.mutationOptions({ onSuccess: (r) => (setNotice({ kind: "ok", text: t("account.people.resetSent", { email: r.email }) }), refresh()), onError: fail }));
  const signOutAll = useMutation(
    trpc.people.signOutEverywhere.mutationOptions({ onSuccess: (r) => setNotice({ kind: "ok", text: t("account.people.signedOut", { name: r.name, count: r.endedSessions }) }), onError: fail }),
  );
  const busy = invite.isPending || resend.isPending || changeRole.isPending || deactivate.isPending || reactivate.isPending || sendReset.isPending || signOutAll.isPending;

  return (
    <div className="flex flex-col gap-4">
      <section aria-labelledby="invite-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="invite-heading" className="font-semibold">
          {t("people.invite.title")}
        </h2>
        <form
          className="mt-3 grid gap-3 md:grid-cols-[1fr_1fr_auto_auto] md:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setNotice(null);
            invite.mutate(form);
          }}
        >
          <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
            {t("people.invite.name")}
            <input className={inputClass} name="name" autoComplete="off" required maxLength={100} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </label>
          <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
            {t("people.invite.email")}
            <input className={inputClass} name="email" type="email" autoComplete="off" required maxLength={254} value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            {t("people.invite.role")}
            <select className={inputClass} name="role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              <option value="operator">{t("role.operator")}</option>
              <option value="admin">{t("role.admin")}</option>
            </select>
          </label>
          <button type="submit" className={buttonClass.primary} disabled={invite.isPending}>
            {invite.isPending ? t("people.common.working") : t("people.invite.submit")}
          </button>
        </form>
      </section>

      <NoticeLine notice={notice} />

      <section aria-labelledby="people-heading" className="rounded-lg border border-slate-200 bg-white">
        <div className="border-b border-slate-200 p-4">
          <h2 id="people-heading" className="font-semibold">
            {t("people.title")}
            {people.data && <span className="ml-2 text-sm font-normal text-slate-600">{t("people.count", { count: people.data.length })}</span>}
          </h2>
          <p className="text-sm text-slate-600">{t("people.description")}</p>
        </div>
        {people.isPending ? (
          <p className="p-4 text-sm text-slate-600">{t("people.common.loading")}</p>
        ) : people.isError ? (
          <p role="alert" className="p-4 text-sm text-red-800">{errorText(t, people.error)}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {people.data.map((p) => (
              <li key={p.id} data-testid="person-row" className="flex flex-col gap-3 p-4 lg:flex-row lg:items-center lg:justify-between">
                <div className="min-w-0">
                  <p className="font-medium">
                    {p.name}
                    {p.isSelf && <span className="ml-1 text-sm font-normal text-slate-600">({t("people.you")})</span>}
                  </p>
                  <p className="break-all text-sm text-slate-600">{p.email}</p>
                </div>
                <div className="flex flex-wrap items-center gap-2">
                  <span className={`rounded px-2 py-0.5 text-xs font-medium ${statusBadge[p.status]}`}>{t(`people.status.${p.status}` as MessageKey)}</span>
                  <label className="flex items-center gap-1 text-sm">
                    <span className="sr-only">{t("people.roleLabel", { name: p.name })}</span>
                    <select
                      className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
                      value={p.role}
                      disabled={busy}
                      onChange={(e) => {
                        setNotice(null);
                        changeRole.mutate({ userId: p.id, role: e.target.value as Role });
                      }}
                    >
                      <option value="operator">{t("role.operator")}</option>
                      <option value="admin">{t("role.admin")}</option>
                    </select>
                  </label>
                  {p.status === "invited" && (
                    <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => (setNotice(null), resend.mutate({ userId: p.id }))}>
                      {t("people.resend")}
                    </button>
                  )}
                  {p.status === "active" && (
                    <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => (setNotice(null), sendReset.mutate({ userId: p.id }))}>
                      {t("account.people.sendReset")}
                    </button>
                  )}
                  {p.status === "active" && !p.isSelf && (
                    <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => (setNotice(null), signOutAll.mutate({ userId: p.id }))}>
                      {t("account.people.signOutEverywhere")}
                    </button>
                  )}
                  {p.status === "deactivated" ? (
                    <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => (setNotice(null), reactivate.mutate({ userId: p.id }))}>
                      {t("people.reactivate")}
                    </button>
                  ) : (
                    <ConfirmAction
                      label={t("people.deactivate")}
                      question={t("people.deactivate.confirm", { name: p.name })}
                      confirmLabel={t("people.deactivate")}
                      pending={busy}
                      onConfirm={() => (setNotice(null), deactivate.mutate({ userId: p.id }))}
                    />
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
