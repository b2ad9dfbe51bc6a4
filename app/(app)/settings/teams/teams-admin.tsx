"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../../_components/providers";
import { useTRPC } from "../../../_lib/trpc";
import { buttonClass, ConfirmAction, errorText, inputClass, NamedListHead, NoticeLine, QueryState, RenameForm, type Notice } from "../settings-ui";

export function TeamsAdmin() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const people = useQuery(trpc.people.list.queryOptions());
  const [notice, setNotice] = useState<Notice>(null);
  const [newName, setNewName] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [picked, setPicked] = useState<Record<string, string>>({});

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.teams.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.lines.pathKey() });
  };
  const fail = (error: unknown) => setNotice({ kind: "error", text: errorText(t, error) });
  const ok = (text: string) => (setNotice({ kind: "ok", text }), refresh());

  const create = useMutation(trpc.teams.create.mutationOptions({ onSuccess: (r) => (setNewName(""), ok(t("people.teams.created", { team: r.name }))), onError: fail }));
  const rename = useMutation(trpc.teams.rename.mutationOptions({ onSuccess: (r) => (setRenaming(null), ok(t("people.teams.renamed", { team: r.name }))), onError: fail }));
  const remove = useMutation(trpc.teams.delete.mutationOptions({ onSuccess: (r) => ok(t("people.teams.deleted", { team: r.name })), onError: fail }));
  const addMember = useMutation(
    trpc.teams.addMember.mutationOptions({
      onSuccess: (r) => (setPicked((p) => ({ ...p, [r.teamId]: "" })), ok(t("people.teams.memberAdded", { name: r.userName, team: r.teamName }))),
      onError: fail,
    }),
  );
  const removeMember = useMutation(trpc.teams.removeMember.mutationOptions({ onSuccess: (r) => ok(t("people.teams.memberRemoved", { name: r.userName, team: r.teamName })), onError: fail }));
  const busy = create.isPending || rename.isPending || remove.isPending || addMember.isPending || removeMember.isPending;
  const candidates = (people.data ?? []).filter((p) => p.status !== "deactivated");

  return (
    <div className="flex flex-col gap-4">
      <section aria-labelledby="teams-heading" className="rounded-lg border border-slate-200 bg-white">
        <NamedListHead
          headingId="teams-heading"
          title={t("people.teams.title")}
          count={teams.data ? t("people.teams.count", { count: teams.data.length }) : undefined}
          description={t("people.teams.description")}
          createLabel={t("people.teams.create.label")}
          submitLabel={t("people.teams.create.submit")}
          value={newName}
          onChange={setNewName}
          onCreate={() => (setNotice(null), create.mutate({ name: newName }))}
          busy={busy}
        />
        <div className="p-4 pb-0">
          <NoticeLine notice={notice} />
        </div>
        <QueryState query={teams} empty={t("people.teams.empty")}>
          {(rows) => (
          <ul className="divide-y divide-slate-100">
            {rows.map((team) => {
              const memberIds = new Set(team.members.map((m) => m.id));
              const available = candidates.filter((p) => !memberIds.has(p.id));
              return (
                <li key={team.id} data-testid="team-row" className="flex flex-col gap-3 p-4">
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    {renaming?.id === team.id ? (
                      <RenameForm
                        label={t("people.teams.nameLabel", { team: team.name })}
                        value={renaming.name}
                        onChange={(name) => setRenaming({ id: team.id, name })}
                        onSave={() => (setNotice(null), rename.mutate({ teamId: team.id, name: renaming.name }))}
                        onCancel={() => setRenaming(null)}
                        busy={busy} className="w-full"
                      />
                    ) : (
                      <>
                        <h3 className="min-w-0 break-words font-medium">
                          {team.name} <span className="text-sm font-normal text-slate-600">· {t("people.teams.members", { count: team.members.length })}</span>
                        </h3>
                        <div className="flex flex-wrap gap-2">
                          <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => setRenaming({ id: team.id, name: team.name })} aria-label={`${t("people.common.rename")}: ${team.name}`}>
                            {t("people.common.rename")}
                          </button>
                          <ConfirmAction
                            label={t("people.common.delete")}
                            question={t("people.teams.delete.confirm", { team: team.name })}
                            confirmLabel={t("people.common.confirmDelete")}
                            pending={busy}
                            onConfirm={() => (setNotice(null), remove.mutate({ teamId: team.id }))}
                          />
                        </div>
                      </>
                    )}
                  </div>
                  {team.members.length > 0 && (
                    <ul className="flex flex-col gap-1" aria-label={team.name}>
                      {team.members.map((m) => (
                        <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 rounded bg-slate-50 px-3 py-2 text-sm">
                          <span className="min-w-0 break-words">
                            {m.name} <span className="text-slate-600">· {t(m.role === "admin" ? "role.admin" : "role.operator")}</span>
                            {m.status !== "active" && <span className="text-slate-600"> · {t(`people.status.${m.status}` as MessageKey)}</span>}
                          </span>
                          <button
                            type="button"
                            className="rounded px-2 py-1 text-sm text-red-800 hover:bg-red-50"
                            disabled={busy}
                            aria-label={t("people.teams.removeMember", { name: m.name, team: team.name })}
                            onClick={() => (setNotice(null), removeMember.mutate({ teamId: team.id, userId: m.id }))}
                          >
                            {t("people.teams.remove")}
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                  {available.length === 0 ? (
                    <p className="text-sm text-slate-600">{t("people.teams.addMember.nobody")}</p>
                  ) : (
                    <form
                      className="flex flex-col gap-2 sm:flex-row sm:items-end"
                      onSubmit={(e) => {
                        e.preventDefault();
                        const userId = picked[team.id];
                        if (!userId) return;
                        setNotice(null);
                        addMember.mutate({ teamId: team.id, userId });
                      }}
                    >
                      <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium">
                        {t("people.teams.addMember.label", { team: team.name })}
                        <select className={inputClass} required value={picked[team.id] ?? ""} onChange={(e) => setPicked({ ...picked, [team.id]: e.target.value })}>
                          <option value="">{t("people.teams.addMember.choose")}</option>
                          {available.map((p) => (
                            <option key={p.id} value={p.id}>
                              {p.name} ({p.email})
                            </option>
                          ))}
                        </select>
                      </label>
                      <button type="submit" className={buttonClass.secondary} disabled={busy || !picked[team.id]}>
                        {t("people.teams.addMember.submit")}
                      </button>
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
          )}
        </QueryState>
      </section>
    </div>
  );
}
