"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Fragment, useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { AppRouter } from "~/server/api/root";
import { reasonKey, type MessageKey } from "~/server/i18n";
import { useT } from "../../../../../_components/providers";
import { useTRPC } from "../../../../../_lib/trpc";
import { initialLine, LinePicker, type LineValue } from "../../_components/line-picker";
import { buttonPrimary, buttonSecondary, cardClass, StatusBadge, useErrorWords } from "../../_components/shared";

type Step = "start" | "connect" | "profile" | "instagram" | "pages" | "permissions" | "reconnect" | "restart" | "done";

/** A catalog key that exists, else its fallback. */
function useKnown() {
  const t = useT();
  return (key: string, fallback: MessageKey) => (t(key as MessageKey) === key ? fallback : (key as MessageKey));
}

/**
 * The Meta re-authorization wizard (F3): a stepper with progress, one step at a time, each verified by the
 * server against the Graph API before the next opens. The state lives on the server, so reloading or coming
 * back later resumes the step. Focus moves to each new step's heading; results are read out in words.
 */
export function MetaWizard({ attemptId }: { attemptId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const errorWords = useErrorWords();
  const known = useKnown();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const wizard = useQuery(trpc.metaWizard.get.queryOptions({ attemptId }, { retry: false }));
  const [message, setMessage] = useState<string | null>(null);
  const step = wizard.data?.step;
  const previousStep = useRef<Step | undefined>(undefined);

  useEffect(() => {
    // Focus follows the wizard to each new step (not on the first render: the page heading comes first).
    if (step && previousStep.current && previousStep.current !== step) headingRef.current?.focus();
    previousStep.current = step;
  }, [step]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.metaWizard.get.queryKey({ attemptId }) });
  const onError = (error: unknown) => setMessage(errorWords(error));
  const submit = useMutation(
    trpc.metaWizard.submitStep.mutationOptions({
      onSuccess: (r) => {
        if (r.redirectTo) {
          window.location.assign(r.redirectTo);
          return;
        }
        setMessage(null);
        void refresh();
        void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
      },
      onError,
    }),
  );
  const verify = useMutation(trpc.metaWizard.verify.mutationOptions({ onSuccess: () => void refresh(), onError }));
  const complete = useMutation(trpc.metaWizard.complete.mutationOptions({ onSuccess: () => void refresh(), onError }));
  const cancel = useMutation(trpc.metaWizard.cancel.mutationOptions({ onSuccess: () => router.push("/settings/channels"), onError }));
  const busy = submit.isPending || verify.isPending || complete.isPending || cancel.isPending;

  if (wizard.isPending) return <p className="text-sm text-slate-600">{t("channelsAdmin.loading")}</p>;
  if (wizard.isError) {
    return (
      <div className="space-y-2">
        <Link href="/settings/channels" className="text-sm text-brand-600 underline">
          ← {t("channelsAdmin.back")}
        </Link>
        <p role="alert" className="text-sm text-red-700">
          {errorWords(wizard.error)}
        </p>
      </div>
    );
  }
  const w = wizard.data;
  const closed = w.status !== "in_progress";
  const failureWords = (failure: NonNullable<typeof w.failure>) => {
    const names = failure.names?.join(", ") ?? "";
    if (failure.step === "connect") {
      const key = failure.reason.startsWith("exchange_") ? `metaWizard.result.${failure.reason.slice("exchange_".length)}` : `metaWizard.oauth.${failure.reason}`;
      return t(known(key, "metaWizard.oauth.failed"), { names });
    }
    return t(known(failure.reason, "errors.generic"), { names, count: failure.names?.length ?? 0 });
  };
  const title = w.mode === "connect" ? t("metaWizard.title.connect") : t("metaWizard.title.reauthorize");
  const stepIndex = w.stepper.findIndex((s) => s.step === w.step);

  return (
    <div className="space-y-4">
      <Link href={w.origin ? `/settings/channels/${w.origin.id}` : "/settings/channels"} className="inline-block text-sm text-brand-600 underline">
        ← {w.origin ? t("metaWizard.backToChannel", { name: w.origin.name }) : t("channelsAdmin.back")}
      </Link>
      <div className={`${cardClass} p-4`}>
        <h2 className="text-lg font-semibold">{title}</h2>
        {w.sandbox && (
          <p role="note" className="mt-2 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900" data-testid="meta-sandbox-note">
            {t("metaWizard.sandbox")}
          </p>
        )}
        <nav aria-label={t("metaWizard.progress")} className="mt-3">
          <p className="mb-2 text-sm text-slate-700" data-testid="wizard-progress">
            {t("metaWizard.stepOf", { current: Math.min(stepIndex + 1, w.stepper.length), total: w.stepper.length, name: t(`metaWizard.step.${w.step}` as MessageKey) })}
          </p>
          <ol className="flex flex-wrap gap-1.5" data-testid="wizard-stepper">
            {w.stepper.map((s, i) => (
              <li
                key={s.step}
                aria-current={s.status === "current" ? "step" : undefined}
                className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs ${
                  s.status === "current" ? "border-brand-600 bg-brand-600 font-semibold text-white" : s.status === "done" ? "border-green-300 bg-green-50 text-green-900" : "border-slate-300 text-slate-600"
                }`}
              >
                <span aria-hidden>{s.status === "done" ? "✓" : i + 1}</span>
                {t(`metaWizard.step.${s.step}` as MessageKey)}
                <span className="sr-only">({t(`metaWizard.stepStatus.${s.status}` as MessageKey)})</span>
              </li>
            ))}
          </ol>
        </nav>
      </div>

      <section aria-labelledby="wizard-step-heading" className={`${cardClass} space-y-3 p-4`} data-testid={`wizard-step-${w.step}`}>
        <h3 id="wizard-step-heading" ref={headingRef} tabIndex={-1} className="text-base font-semibold outline-none">
          {t(`metaWizard.heading.${w.step}` as MessageKey)}
        </h3>
        {closed && w.status === "abandoned" && <p className="text-sm text-slate-700">{t("metaWizard.error.cancelled")}</p>}
        {w.failure && !closed && (
          <div role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-testid="wizard-failure">
            {failureWords(w.failure)}
          </div>
        )}

        {(w.step === "start" || w.step === "connect") && (
          <ConnectStep w={w} busy={busy} onConnect={() => submit.mutate({ attemptId, step: "connect" })} />
        )}
        {w.step === "profile" && (
          <div className="space-y-3">
            <p className="text-sm">{t("metaWizard.profile.signedInAs", { name: w.profile?.name ?? "" })}</p>
            {w.unreachable.length > 0 ? (
              <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="profile-unreachable">
                <p className="font-medium">{t("metaWizard.profile.cannotReach", { count: w.unreachable.length })}</p>
                <ul className="mt-1 list-disc pl-5">
                  {w.unreachable.map((u) => (
                    <li key={u.channelId}>
                      {t(`metaWizard.profile.reason.${u.reason}` as MessageKey, { name: u.name })}
                    </li>
                  ))}
                </ul>
                <p className="mt-2">{t("metaWizard.profile.whatToDo")}</p>
              </div>
            ) : (
              <p className="text-sm text-green-800">{t("metaWizard.profile.reachesAll")}</p>
            )}
            {/* A profile that cannot reach the channel this wizard is for cannot go on: only another profile is offered. */}
            {(() => {
              const blocked = w.origin !== null && w.unreachable.some((u) => u.channelId === w.origin?.id);
              return (
                <div className="flex flex-wrap gap-2">
                  {!blocked && (
                    <button type="button" className={buttonPrimary} disabled={busy} onClick={() => submit.mutate({ attemptId, step: "profile" })}>
                      {t("metaWizard.continue")}
                    </button>
                  )}
                  <button type="button" className={blocked ? buttonPrimary : buttonSecondary} disabled={busy} onClick={() => submit.mutate({ attemptId, step: "connect" })}>
                    {t("metaWizard.profile.another")}
                  </button>
                </div>
              );
            })()}
          </div>
        )}
        {w.step === "instagram" && (
          <ChoiceStep
            key={`ig-${w.profile?.id}`}
            legend={t("metaWizard.instagram.legend")}
            items={w.instagram.map((i) => ({ id: i.id, label: `@${i.username}`, hint: t("metaWizard.instagram.via", { page: i.pageName }), ticked: i.ticked, broken: i.broken, channel: i.channel }))}
            missing={w.missingInstagram}
            missingKey="metaWizard.instagram.missing"
            emptyKey="metaWizard.instagram.none"
            busy={busy}
            onBack={() => submit.mutate({ attemptId, step: "back", to: "profile" })}
            onVerify={() => verify.mutate({ attemptId })}
            onNext={(ids) => submit.mutate({ attemptId, step: "instagram", ids })}
          />
        )}
        {w.step === "pages" && (
          <ChoiceStep
            key={`pages-${w.profile?.id}`}
            legend={t("metaWizard.pages.legend")}
            items={w.pages.map((p) => ({
              id: p.id,
              label: p.name,
              hint: p.canMessage ? (p.viaBusiness ? t("metaWizard.pages.viaBusiness") : undefined) : t("metaWizard.pages.noTask"),
              note: p.otherApps.length > 0 ? t("metaWizard.pages.otherApps", { names: p.otherApps.map((a) => a.name || a.id).join(", "), count: p.otherApps.length }) : undefined,
              ticked: p.ticked,
              broken: p.broken,
              channel: p.channel,
              disabled: !p.canMessage,
            }))}
            missing={w.missingPages}
            missingKey="metaWizard.pages.missing"
            emptyKey="metaWizard.pages.none"
            busy={busy}
            needsLine={(ids) => ids.some((id) => !w.pages.find((p) => p.id === id)?.channel) || w.instagram.some((i) => i.ticked && !i.channel)}
            onBack={() => submit.mutate({ attemptId, step: "back", to: "instagram" })}
            onVerify={() => verify.mutate({ attemptId })}
            onNext={(ids, line) => submit.mutate({ attemptId, step: "pages", ids, ...(line ? { line } : {}) })}
          />
        )}
        {w.step === "permissions" && (
          <PermissionsStep
            w={w}
            busy={busy}
            onAskAgain={() => submit.mutate({ attemptId, step: "connect", rerequest: true })}
            onVerify={() => verify.mutate({ attemptId })}
            onBack={() => submit.mutate({ attemptId, step: "back", to: "pages" })}
            onNext={() => submit.mutate({ attemptId, step: "permissions" })}
          />
        )}
        {w.step === "reconnect" && (
          <div className="space-y-3">
            <p className="text-sm">{t("metaWizard.reconnect.intro")}</p>
            <ul className="list-disc pl-5 text-sm">
              {w.pages.filter((p) => p.ticked).map((p) => (
                <li key={p.id}>{t("metaWizard.reconnect.page", { name: p.name })}</li>
              ))}
              {w.instagram.filter((i) => i.ticked).map((i) => (
                <li key={i.id}>{t("metaWizard.reconnect.instagram", { name: `@${i.username}` })}</li>
              ))}
            </ul>
            <button type="button" className={buttonPrimary} disabled={busy} onClick={() => submit.mutate({ attemptId, step: "reconnect" })}>
              {submit.isPending ? t("metaWizard.reconnect.working") : t("metaWizard.reconnect.button")}
            </button>
          </div>
        )}
        {(w.step === "restart" || w.step === "done") && w.results.length > 0 && (
          <div>
            <h4 className="text-sm font-semibold">{t("metaWizard.results.title")}</h4>
            <ul className="mt-1 space-y-1 text-sm" data-testid="reconnect-results">
              {w.results.map((r) => (
                <li key={`${r.provider}:${r.externalId}`} className={r.ok ? "text-green-900" : "text-red-800"}>
                  <span aria-hidden>{r.ok ? "✓ " : "✗ "}</span>
                  {r.ok
                    ? r.reason === "stopped"
                      ? t(r.started ? "metaWizard.results.okStarted" : "metaWizard.results.okStopped", { name: r.name })
                      : r.created
                        ? t("metaWizard.results.created", { name: r.name })
                        : t("metaWizard.results.ok", { name: r.name })
                    : t("metaWizard.results.failed", { name: r.name, reason: t(known(`metaWizard.result.${r.reason}`, "metaWizard.result.unexpected")) })}
                  {r.ok && (r.recovered ?? 0) > 0 && (
                    <span className="block text-xs text-slate-700" data-testid="reconnect-recovered">
                      {t("metaWizard.results.recovered", { count: r.recovered ?? 0 })}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
        {w.step === "restart" && <RestartStep w={w} busy={busy} onStart={(channelId) => submit.mutate({ attemptId, step: "restart", channelId })} onFinish={() => complete.mutate({ attemptId })} />}
        {w.step === "done" && <DoneStep w={w} />}

        <p role="status" aria-live="polite" className="text-sm text-red-700" data-testid="wizard-message">
          {busy ? t("metaWizard.checking") : message}
        </p>
        {!closed && w.step !== "done" && (
          <div className="border-t border-slate-100 pt-3">
            <button type="button" className="text-sm text-slate-700 underline" disabled={busy} onClick={() => cancel.mutate({ attemptId })}>
              {t("metaWizard.cancel")}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}

type View = inferRouterOutputs<AppRouter>["metaWizard"]["get"];

function ConnectStep({ w, busy, onConnect }: { w: View; busy: boolean; onConnect: () => void }) {
  const t = useT();
  const noteId = useId();
  return (
    <div className="space-y-3">
      {w.origin && w.origin.status === "active" && (
        <p className="text-sm" data-testid="wizard-origin-working">
          {t("metaWizard.connect.working", { name: w.origin.name })}
        </p>
      )}
      {w.origin && w.origin.status !== "active" && (
        <div className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-testid="wizard-cause">
          <p className="font-medium">{t("metaWizard.cause", { name: w.origin.name })}</p>
          <p>{t(reasonKey(w.origin.statusReason))}</p>
        </div>
      )}
      {w.broken.length > 0 && (
        <p className="text-sm">{t("metaWizard.connect.broken", { names: w.broken.map((b) => b.name).join(", "), count: w.broken.length })}</p>
      )}
      <p className="text-sm text-slate-700">{t("metaWizard.connect.intro")}</p>
      <ol className="list-decimal space-y-0.5 pl-5 text-sm text-slate-700">
        <li>{t("metaWizard.connect.tip.profile")}</li>
        <li>{t("metaWizard.connect.tip.edit")}</li>
        <li>{t("metaWizard.connect.tip.all")}</li>
      </ol>
      {!w.appConfigured && (
        <p id={noteId} role="note" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          {t("reason.meta_app_not_configured")}
        </p>
      )}
      <button type="button" className={buttonPrimary} disabled={busy || !w.appConfigured} aria-describedby={w.appConfigured ? undefined : noteId} onClick={onConnect}>
        {t("metaWizard.connect.button")}
      </button>
    </div>
  );
}

type Choice = { id: string; label: string; hint?: string; note?: string; ticked: boolean; broken: boolean; disabled?: boolean; channel: { id: string; name: string; status: "active" | "disconnected" | "stopped"; statusReason: string | null } | null };

function ChoiceStep(props: {
  legend: string;
  items: Choice[];
  missing: string[];
  missingKey: MessageKey;
  emptyKey: MessageKey;
  busy: boolean;
  needsLine?: (ids: string[]) => boolean;
  onBack: () => void;
  onVerify: () => void;
  onNext: (ids: string[], line?: LineValue) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const hintId = useId();
  const [ticked, setTicked] = useState(() => new Set(props.items.filter((i) => i.ticked).map((i) => i.id)));
  const lineChoices = useQuery(trpc.channels.lineChoices.queryOptions(undefined, { enabled: Boolean(props.needsLine) }));
  const [line, setLine] = useState<LineValue | null>(null);
  const ids = props.items.filter((i) => ticked.has(i.id)).map((i) => i.id);
  const needsLine = props.needsLine?.(ids) ?? false;
  const lines = lineChoices.data?.lines ?? [];
  const lineValue = line ?? initialLine(lines, false);
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        props.onNext(ids, needsLine ? lineValue : undefined);
      }}
    >
      <fieldset className="space-y-1" aria-describedby={props.missing.length > 0 ? hintId : undefined}>
        <legend className="mb-1 text-sm font-medium">{props.legend}</legend>
        {props.items.length === 0 && <p className="text-sm text-slate-600">{t(props.emptyKey)}</p>}
        {props.items.map((item) => (
          <Fragment key={item.id}>
            <label className={`flex flex-wrap items-center gap-x-2 gap-y-1 rounded border border-slate-200 p-2 text-sm ${item.disabled ? "opacity-70" : ""}`}>
              <input
                type="checkbox"
                checked={ticked.has(item.id)}
                disabled={item.disabled}
                aria-describedby={item.note ? `${hintId}-note-${item.id}` : undefined}
                onChange={(e) =>
                  setTicked((s) => {
                    const next = new Set(s);
                    if (e.target.checked) next.add(item.id);
                    else next.delete(item.id);
                    return next;
                  })
                }
              />
              <span className="font-medium">{item.label}</span>
              {item.channel && <StatusBadge status={item.channel.status} />}
              {item.broken && <span className="text-xs text-red-800">{t("metaWizard.choice.broken")}</span>}
              {!item.channel && <span className="text-xs text-slate-600">{t("metaWizard.choice.new")}</span>}
              {item.hint && <span className="basis-full pl-6 text-xs text-slate-600">{item.hint}</span>}
            </label>
            {item.note && (
              <p id={`${hintId}-note-${item.id}`} className="rounded border border-sky-200 bg-sky-50 p-2 text-xs text-sky-900" data-testid="choice-note">
                {item.note}
              </p>
            )}
          </Fragment>
        ))}
      </fieldset>
      {props.missing.length > 0 && (
        <p id={hintId} className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900" data-testid="choice-missing">
          {t(props.missingKey, { names: props.missing.join(", "), count: props.missing.length })}
        </p>
      )}
      {needsLine && lineChoices.data && <LinePicker lines={lines} value={lineValue} onChange={setLine} oneBotPerLine={false} />}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className={buttonPrimary} disabled={props.busy}>
          {t("metaWizard.next")}
        </button>
        <button type="button" className={buttonSecondary} disabled={props.busy} onClick={props.onVerify}>
          {t("metaWizard.checkAgain")}
        </button>
        <button type="button" className={buttonSecondary} disabled={props.busy} onClick={props.onBack}>
          {t("metaWizard.back")}
        </button>
      </div>
    </form>
  );
}

function PermissionsStep({ w, busy, onAskAgain, onVerify, onBack, onNext }: { w: View; busy: boolean; onAskAgain: () => void; onVerify: () => void; onBack: () => void; onNext: () => void }) {
  const t = useT();
  const blockedId = useId();
  const off = w.permissions.filter((p) => p.status !== "granted" || p.uncovered.length > 0);
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">{t("metaWizard.permissions.intro")}</p>
      {!w.permissionsChecked && <p className="text-sm">{t("metaWizard.permissions.notChecked")}</p>}
      <fieldset>
        <legend className="mb-1 text-sm font-medium">{t("metaWizard.permissions.legend")}</legend>
        <ul className="space-y-1.5">
          {w.permissions.map((p) => {
            const on = p.status === "granted" && p.uncovered.length === 0;
            return (
              <li key={p.permission} className={`rounded border p-2 text-sm ${on ? "border-slate-200" : "border-red-200 bg-red-50"}`} data-testid={`permission-${p.permission}`}>
                <div className="flex flex-wrap items-center gap-2">
                  <span
                    role="switch"
                    aria-checked={on}
                    aria-readonly
                    aria-label={t("metaWizard.permissions.switchLabel", { name: t(`metaWizard.permission.${p.permission}` as MessageKey) })}
                    className={`inline-flex h-5 w-9 shrink-0 items-center rounded-full p-0.5 ${on ? "justify-end bg-green-600" : "justify-start bg-slate-400"}`}
                  >
                    <span aria-hidden className="h-4 w-4 rounded-full bg-white" />
                  </span>
                  <span className="font-medium">{t(`metaWizard.permission.${p.permission}` as MessageKey)}</span>
                  <code className="text-xs text-slate-600">{p.permission}</code>
                  <span className={`text-xs font-medium ${on ? "text-green-800" : "text-red-800"}`}>
                    {on ? t("metaWizard.permissions.on") : p.status === "declined" ? t("metaWizard.permissions.declined") : p.status === "missing" ? t("metaWizard.permissions.missing") : t("metaWizard.permissions.partial")}
                  </span>
                </div>
                {!on && <p className="mt-1 text-xs text-red-900">{t(`metaWizard.permission.${p.permission}.breaks` as MessageKey)}</p>}
                {p.uncovered.length > 0 && <p className="mt-1 text-xs text-red-900">{t("metaWizard.permissions.uncovered", { names: p.uncovered.join(", ") })}</p>}
              </li>
            );
          })}
        </ul>
      </fieldset>
      {off.length > 0 && (
        <p id={blockedId} className="text-sm font-medium text-red-800" data-testid="permissions-blocked">
          {t("metaWizard.permissions.blocked", { count: off.length })}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        {off.length > 0 && (
          <button type="button" className={buttonPrimary} disabled={busy} onClick={onAskAgain}>
            {t("metaWizard.permissions.askAgain")}
          </button>
        )}
        <button type="button" className={off.length > 0 ? buttonSecondary : buttonPrimary} disabled={busy || off.length > 0 || !w.permissionsChecked} aria-describedby={off.length > 0 ? blockedId : undefined} onClick={onNext}>
          {t("metaWizard.continue")}
        </button>
        <button type="button" className={buttonSecondary} disabled={busy} onClick={onVerify}>
          {t("metaWizard.checkAgain")}
        </button>
        <button type="button" className={buttonSecondary} disabled={busy} onClick={onBack}>
          {t("metaWizard.back")}
        </button>
      </div>
    </div>
  );
}

function RestartStep({ w, busy, onStart, onFinish }: { w: View; busy: boolean; onStart: (channelId: string) => void; onFinish: () => void }) {
  const t = useT();
  const known = useKnown();
  return (
    <div className="space-y-3">
      <h4 className="text-sm font-semibold">{t("metaWizard.restart.title")}</h4>
      {w.stopped.length === 0 && !w.summary.restarted.length ? (
        <p className="text-sm text-slate-700">{t("metaWizard.restart.none")}</p>
      ) : (
        <ul className="space-y-2" data-testid="stopped-channels">
          {w.stopped.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 rounded border border-slate-200 p-2 text-sm">
              <span className="min-w-0">
                <span className="font-medium">{c.name}</span> <span className="text-slate-600">({t(`provider.${c.provider}` as MessageKey)})</span> <StatusBadge status={c.status} />
                <span className="block text-xs text-slate-700">{t(reasonKey(c.statusReason))}</span>
                {c.restart && !c.restart.ok && (
                  <span className="block text-xs text-red-800">{t("metaWizard.restart.failed", { reason: t(known(`metaWizard.result.${c.restart.reason}`, "metaWizard.result.unexpected")) })}</span>
                )}
              </span>
              <button type="button" className={buttonSecondary} disabled={busy} onClick={() => onStart(c.id)} aria-label={t("metaWizard.restart.startLabel", { name: c.name })}>
                {t("metaWizard.restart.start")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {w.summary.restarted.length > 0 && (
        <p className="text-sm text-green-900" data-testid="restarted">
          {t("metaWizard.restart.started", { names: w.summary.restarted.join(", "), count: w.summary.restarted.length })}
        </p>
      )}
      <button type="button" className={buttonPrimary} disabled={busy} onClick={onFinish}>
        {t("metaWizard.finish")}
      </button>
    </div>
  );
}

function DoneStep({ w }: { w: View }) {
  const t = useT();
  const s = w.summary;
  const line = (label: string, children: ReactNode) => (
    <div className="grid gap-0.5 py-1 sm:grid-cols-[12rem_minmax(0,1fr)] sm:gap-3">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
  return (
    <div className="space-y-3" data-testid="wizard-summary">
      <dl>
        {line(t("metaWizard.done.reconnected"), s.reconnected.length ? s.reconnected.map((r) => r.name).join(", ") : t("metaWizard.done.nothing"))}
        {line(t("metaWizard.done.restarted"), s.restarted.length ? s.restarted.join(", ") : t("metaWizard.done.nothing"))}
        {line(t("metaWizard.done.recovered"), t("metaWizard.done.recoveredCount", { count: s.recovered }))}
        {line(
          t("metaWizard.done.attention"),
          s.attention.length === 0 ? (
            <span className="text-green-800">{t("metaWizard.done.allGood")}</span>
          ) : (
            <ul className="space-y-1">
              {s.attention.map((c) => (
                <li key={c.id}>
                  <Link href={`/settings/channels/${c.id}`} className="text-brand-600 underline">
                    {c.name}
                  </Link>{" "}
                  — {t(reasonKey(c.statusReason))}
                </li>
              ))}
            </ul>
          ),
        )}
      </dl>
      <Link href="/settings/channels" className={`inline-block ${buttonPrimary}`}>
        {t("metaWizard.done.toChannels")}
      </Link>
    </div>
  );
}
