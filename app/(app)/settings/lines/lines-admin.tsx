"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../../_components/providers";
import { useTRPC } from "../../../_lib/trpc";
import { buttonClass, ConfirmAction, errorText, inputClass, NamedListHead, NoticeLine, QueryState, RenameForm, type Notice } from "../settings-ui";

const statusBadge: Record<string, string> = {
  active: "bg-green-100 text-green-900",
  disconnected: "bg-red-100 text-red-900",
  stopped: "bg-slate-200 text-slate-800",
};

export function LinesAdmin() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const lines = useQuery(trpc.lines.list.queryOptions());
  const teams = useQuery(trpc.teams.list.queryOptions());
  const [notice, setNotice] = useState<Notice>(null);
  const [newName, setNewName] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.lines.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
  };
  const fail = (error: unknown) => setNotice({ kind: "error", text: errorText(t, error) });
  const ok = (text: string) => (setNotice({ kind: "ok", text }), refresh());

  const create = useMutation(trpc.lines.create.mutationOptions({ onSuccess: (r) => (setNewName(""), ok(t("people.lines.created", { line: r.name }))), onError: fail }));
  const rename = useMutation(trpc.lines.rename.mutationOptions({ onSuccess: (r) => (setRenaming(null), ok(t("people.lines.renamed", { line: r.name }))), onError: fail }));
  const remove = useMutation(trpc.lines.delete.mutationOptions({ onSuccess: (r) => ok(t("people.lines.deleted", { line: r.name })), onError: fail }));
  const setTeam = useMutation(
    trpc.lines.setDefaultTeam.mutationOptions({
      onSuccess: (r) => ok(r.defaultTeamName ? t("people.lines.defaultTeamSet", { line: r.name, team: r.defaultTeamName }) : t("people.lines.defaultTeamCleared", { line: r.name })),
      onError: (e) => (fail(e), refresh()),
    }),
  );
  const setAutoRoute = useMutation(
    trpc.inbox.setLineAutoRoute.mutationOptions({
      onSuccess: (r) => ok(t(r.autoRoute ? "people.lines.autoRouteOn" : "people.lines.autoRouteOff", { line: r.name })),
      onError: (e) => (fail(e), refresh()),
    }),
  );
  const busy = create.isPending || rename.isPending || remove.isPending || setTeam.isPending || setAutoRoute.isPending;

  return (
    <section aria-labelledby="lines-heading" className="rounded-lg border border-slate-200 bg-white">
      <NamedListHead
        headingId="lines-heading"
        title={t("people.lines.title")}
        count={lines.data ? t("people.lines.count", { count: lines.data.length }) : undefined}
        description={t("people.lines.description")}
        createLabel={t("people.lines.create.label")}
        submitLabel={t("people.lines.create.submit")}
        value={newName}
        onChange={setNewName}
        onCreate={() => (setNotice(null), create.mutate({ name: newName }))}
        busy={busy}
      />
      <div className="p-4 pb-0">
        <NoticeLine notice={notice} />
      </div>
      <QueryState query={lines} empty={t("people.lines.empty")}>
        {(rows) => (
        <ul className="divide-y divide-slate-100">
          {rows.map((line) => (
            <li key={line.id} data-testid="line-row" className="flex flex-col gap-3 p-4">
              {renaming?.id === line.id ? (
                <RenameForm
                  label={t("people.lines.nameLabel", { line: line.name })}
                  value={renaming.name}
                  onChange={(name) => setRenaming({ id: line.id, name })}
                  onSave={() => (setNotice(null), rename.mutate({ lineId: line.id, name: renaming.name }))}
                  onCancel={() => setRenaming(null)}
                  busy={busy}
                />
              ) : (
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <h3 className="min-w-0 break-words font-medium">{line.name}</h3>
                  <div className="flex flex-wrap gap-2">
                    <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => setRenaming({ id: line.id, name: line.name })} aria-label={`${t("people.common.rename")}: ${line.name}`}>
                      {t("people.common.rename")}
                    </button>
                    <ConfirmAction
                      label={t("people.common.delete")}
                      question={t("people.lines.delete.confirm", { line: line.name, count: line.channels.length })}
                      confirmLabel={t("people.common.confirmDelete")}
                      pending={busy}
                      onConfirm={() => (setNotice(null), remove.mutate({ lineId: line.id }))}
                    />
                  </div>
                </div>
              )}

              <div>
                <p className="text-sm text-slate-600">{t("people.lines.channels", { count: line.channels.length })}</p>
                {line.channels.length > 0 && (
                  <ul className="mt-1 flex flex-col gap-1" aria-label={t("people.lines.channels", { count: line.channels.length })}>
                    {line.channels.map((c) => (
                      <li key={c.id} className="flex flex-wrap items-center gap-2 text-sm">
                        <span className="min-w-0 break-words font-medium">{c.name}</span>
                        <span className="text-slate-600">{t(`provider.${c.provider}` as MessageKey)}</span>
                        <span className={`rounded px-2 py-0.5 text-xs font-medium ${statusBadge[c.status]}`}>{t(`channel.status.${c.status}` as MessageKey)}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>

              <label className="flex max-w-sm flex-col gap-1 text-sm font-medium">
                {t("people.lines.defaultTeam", { line: line.name })}
                <select
                  className={inputClass}
                  value={line.defaultTeamId ?? ""}
                  disabled={busy || teams.isPending}
                  onChange={(e) => (setNotice(null), setTeam.mutate({ lineId: line.id, teamId: e.target.value || null }))}
                >
                  <option value="">{t("people.lines.noTeam")}</option>
                  {(teams.data ?? []).map((team) => (
                    <option key={team.id} value={team.id}>
                      {team.name}
                    </option>
                  ))}
                </select>
              </label>
              <label className="mt-2 flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-0.5"
                  checked={line.autoRoute}
                  disabled={busy || !line.defaultTeamId}
                  onChange={(e) => (setNotice(null), setAutoRoute.mutate({ lineId: line.id, autoRoute: e.target.checked }))}
                />
                <span>
                  {t("people.lines.autoRoute")}
                  {!line.defaultTeamId && <span className="block text-xs text-slate-600">{t("people.lines.autoRouteNeedsTeam")}</span>}
                </span>
              </label>
            </li>
          ))}
        </ul>
        )}
      </QueryState>
    </section>
  );
}
