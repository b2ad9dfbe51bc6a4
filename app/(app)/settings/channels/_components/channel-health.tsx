"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDateTime, reasonKey, timeZoneLabel, type MessageKey } from "~/server/i18n";
import { durationParts } from "~/server/i18n/duration";
import { useLocale, useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";
import { UpdatePermissions } from "../reauthorize/_components/update-permissions";
import { RecoveryProgress } from "./recovery-progress";
import { buttonPrimary, buttonSecondary, cardClass, inputClass, useErrorWords, type ChannelStatus, type Provider } from "./shared";

type Channel = { id: string; provider: Provider; status: ChannelStatus; statusReason: string | null; username: string | null; name: string };

const STATES = ["connected", "warning", "disconnected", "stopped"] as const;
// Colour plus a pattern-free legend in words and a text summary: the chart never carries meaning by colour alone.
const FILL: Record<(typeof STATES)[number], string> = { connected: "#16a34a", warning: "#d97706", disconnected: "#dc2626", stopped: "#94a3b8" };

/** A catalog key that exists, else its fallback (reason codes the catalog does not know yet). */
function useKnown() {
  const t = useT();
  return (key: string, fallback: MessageKey) => (t(key as MessageKey) === key ? fallback : (key as MessageKey));
}

type VkFields = { accessToken: string; confirmationCode: string; secret: string };
const NO_VK_FIELDS: VkFields = { accessToken: "", confirmationCode: "", secret: "" };

/**
 * Reconnect (F2) on the Details page: the cause in words with its fix, then the action. Telegram re-registers
 * the webhook; a revoked token asks for the new token of the same bot. VK checks the key and the callback
 * server (adding or re-saving it), optionally with a replaced key, confirmation string or secret, and says how
 * many missed messages it recovered. Messenger and Instagram reconnect through "Update permissions" (the Meta
 * re-authorization), so their button stays greyed out with the reason.
 */
export function ReconnectPanel({ channel }: { channel: Channel }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const known = useKnown();
  const errorWords = useErrorWords();
  const tokenId = useId();
  const resultId = useId();
  const vkFieldsId = useId();
  const vk = channel.provider === "vk";
  const [token, setToken] = useState("");
  // VK: whether the fields to replace the key, confirmation string or secret are shown.
  const [askToken, setAskToken] = useState(channel.statusReason === "token_revoked" || channel.statusReason === "session_expired" || (vk && channel.statusReason === "permission_missing"));
  const [vkFields, setVkFields] = useState<VkFields>(NO_VK_FIELDS);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const username = channel.username ? `@${channel.username.replace(/^@/, "")}` : channel.name;

  const reconnect = useMutation(
    trpc.channels.reconnect.mutationOptions({
      onSuccess: (r) => {
        setMessage({
          ok: true,
          text: vk ? t("health.reconnected.vk") : r.pendingUpdates ? t("health.reconnected.withQueue", { count: r.pendingUpdates }) : t("health.reconnected"),
        });
        setToken("");
        setAskToken(false);
        setVkFields(NO_VK_FIELDS);
        // The page says "Active" in the same moment it says "Reconnected", not after the refetch.
        const now = new Date();
        queryClient.setQueryData(trpc.channels.details.queryKey({ channelId: channel.id }), (old) =>
          old ? { ...old, status: "active" as const, statusReason: null, providerError: null, statusSince: now, reconnectedAt: now, openIncident: null } : old,
        );
        queryClient.setQueryData(trpc.channels.needsAttention.queryKey(), (old) => old?.filter((c) => c.id !== channel.id));
        void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
      },
      onError: (error) => {
        const key = (error as { data?: { messageKey?: string | null } }).data?.messageKey;
        if (key === "health.reconnect.tokenRevoked" || key === "health.reconnect.vkTokenInvalid" || key === "health.reconnect.vkMissingRights") setAskToken(true);
        setMessage({ ok: false, text: errorWords(error, { username }) });
      },
    }),
  );

  const meta = channel.provider === "messenger" || channel.provider === "instagram";
  const supported = channel.provider === "telegram" || vk;
  // Only what the admin typed is sent; an empty field keeps the saved value.
  const vkInput = (): Partial<VkFields> => (askToken ? Object.fromEntries(Object.entries(vkFields).flatMap(([k, v]) => (v.trim() ? [[k, v.trim()]] : []))) : {});
  const vkField = (name: keyof VkFields, label: MessageKey, type: "password" | "text") => (
    <label key={name} htmlFor={`${vkFieldsId}-${name}`} className="flex min-w-0 flex-col gap-1 text-sm font-medium">
      {t(label)}
      <input
        id={`${vkFieldsId}-${name}`}
        name={name}
        type={type}
        autoComplete="off"
        spellCheck={false}
        className={inputClass}
        value={vkFields[name]}
        onChange={(e) => setVkFields((f) => ({ ...f, [name]: e.target.value }))}
      />
    </label>
  );
  return (
    <div className="space-y-3">
      {channel.status === "disconnected" && (
        <div className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-testid="channel-fix">
          <p className="font-medium">{t(reasonKey(channel.statusReason))}</p>
          <p className="mt-1">{t(known(`health.fix.${channel.statusReason}`, "health.fix.unknown"), { username })}</p>
        </div>
      )}
      {supported ? (
        <form
          className={vk ? "flex flex-col gap-2" : "flex flex-col gap-2 sm:flex-row sm:items-end"}
          onSubmit={(e) => {
            e.preventDefault();
            setMessage(null);
            if (vk) reconnect.mutate({ channelId: channel.id, ...vkInput() });
            else reconnect.mutate({ channelId: channel.id, ...(askToken && token.trim() ? { token: token.trim() } : {}) });
          }}
        >
          {vk && (
            <div>
              <button type="button" className="text-sm text-blue-700 underline" aria-expanded={askToken} aria-controls={vkFieldsId} onClick={() => setAskToken((v) => !v)}>
                {t("health.vk.replace")}
              </button>
            </div>
          )}
          {vk && askToken && (
            <fieldset id={vkFieldsId} className="grid gap-2 sm:grid-cols-3" data-testid="vk-replace">
              <legend className="mb-1 text-xs text-slate-600">{t("health.vk.replaceHint")}</legend>
              {vkField("accessToken", "health.vk.accessToken", "password")}
              {vkField("confirmationCode", "health.vk.confirmationCode", "text")}
              {vkField("secret", "health.vk.secret", "password")}
            </fieldset>
          )}
          {!vk && askToken && (
            <label htmlFor={tokenId} className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-medium">
              {t("health.newToken", { username })}
              <input id={tokenId} name="token" type="password" autoComplete="off" spellCheck={false} className={inputClass} value={token} onChange={(e) => setToken(e.target.value)} />
            </label>
          )}
          <button
            type="submit"
            className={`${channel.status === "disconnected" ? buttonPrimary : buttonSecondary}${vk ? " self-start" : ""}`}
            disabled={reconnect.isPending || channel.status === "stopped"}
            aria-describedby={resultId}
          >
            {reconnect.isPending ? t("health.reconnecting") : t("channelsAdmin.reconnect")}
          </button>
        </form>
      ) : meta ? (
        <UpdatePermissions channelId={channel.id} disconnected={channel.status === "disconnected"} resultId={resultId} />
      ) : (
        <div>
          <button type="button" className={buttonSecondary} disabled aria-describedby={resultId}>
            {t("channelsAdmin.reconnect")}
          </button>
        </div>
      )}
      <p id={resultId} role="status" aria-live="polite" className={`text-sm ${message?.ok ? "text-green-800" : "text-red-700"}`}>
        {message?.text}
      </p>
    </div>
  );
}

/** The health section: current warning, a 30-day timeline chart with a summary in words, and the incidents. */
export function ChannelHealth({ channelId }: { channelId: string }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const known = useKnown();
  const health = useQuery(trpc.channels.health.queryOptions({ channelId }));
  const headingId = useId();
  if (!health.data) return null;
  const { timeline, incidents, warning, timeZone, durations } = health.data;
  const duration = (ms: number) => durationParts(ms).map((p) => t(`health.duration.${p.unit}` as MessageKey, { count: p.count })).join(" ");
  const day = (iso: string) => new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
  const data = timeline.map((d) => ({ day: day(d.day), ...d.hours }));

  return (
    <section aria-labelledby={headingId} className={`${cardClass} p-4`} data-testid="channel-health">
      <h3 id={headingId} className="mb-3 font-semibold">
        {t("health.title")}
      </h3>
      <RecoveryProgress channelId={channelId} />
      {warning && (
        <p className="mb-3 rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" role="status">
          {t(known(`health.warning.${warning.reason}`, "health.warning.unknown"), { when: warning.until ? formatDateTime(locale, warning.until, "medium", timeZone) : "" })}{" "}
          {warning.since && t("health.since", { when: formatDateTime(locale, warning.since, "medium", timeZone) })}
        </p>
      )}
      <p className="text-sm text-slate-700" data-testid="health-summary">
        {durations.disconnectedMs > 0 || health.data.incidentsInPeriod > 0
          ? t("health.summary.lost", { incidents: health.data.incidentsInPeriod, duration: duration(durations.disconnectedMs) })
          : t("health.summary.none")}
        {durations.stoppedMs > 0 && <> {t("health.summary.stopped", { duration: duration(durations.stoppedMs) })}</>}
      </p>
      <div className="mt-3 h-40 w-full min-w-0" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -28 }} barCategoryGap={1}>
            <XAxis dataKey="day" tick={{ fontSize: 10 }} interval="preserveStartEnd" minTickGap={24} />
            <YAxis domain={[0, 24]} ticks={[0, 12, 24]} tick={{ fontSize: 10 }} />
            <Tooltip formatter={(value, name) => [t("health.hours", { count: Number(value) }), t(`health.state.${String(name)}` as MessageKey)]} />
            {STATES.map((s) => (
              <Bar key={s} dataKey={s} stackId="h" fill={FILL[s]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="mt-1 text-xs text-slate-600" data-testid="health-zone">
        {t("company.health.zone", { zone: timeZoneLabel(timeZone) })}
      </p>
      <ul className="mt-2 flex flex-wrap gap-3 text-xs text-slate-700">
        {STATES.map((s) => (
          <li key={s} className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: FILL[s] }} />
            {t(`health.state.${s}` as MessageKey)}
          </li>
        ))}
      </ul>

      <h4 className="mt-4 text-sm font-semibold">{t("health.incidents")}</h4>
      {incidents.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">{t("health.noIncidents")}</p>
      ) : (
        <ol className="mt-2 space-y-2" data-testid="incident-list">
          {incidents.map((i) => (
            <li key={i.id} className="rounded border border-slate-200 p-2 text-sm">
              <p className="font-medium">{t(reasonKey(i.reasonCode))}</p>
              <p className="text-xs text-slate-700">
                {t("health.incident.opened", { when: formatDateTime(locale, i.openedAt, "medium", timeZone), count: i.errorCount })}
                {i.providerCode ? ` · ${t("health.incident.code", { code: i.providerCode })}` : ""}
              </p>
              <p className="text-xs text-slate-700">
                {i.resolvedAt
                  ? t(known(`health.incident.resolved.${i.resolution}`, "health.incident.resolved.other"), { when: formatDateTime(locale, i.resolvedAt, "medium", timeZone), name: i.resolvedByName ?? "" })
                  : t("health.incident.open")}
              </p>
              {i.recoveredCount > 0 && (
                <p className="text-xs font-medium text-green-800" data-testid="recovered-count">
                  {t("health.recovered", { count: i.recoveredCount })}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
