"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState, useSyncExternalStore } from "react";
import { formatDateTime, isTimeZone, localeNames, locales, type Locale } from "~/server/i18n";
import { useLocale, useT } from "../../../_components/providers";
import { useTRPC } from "../../../_lib/trpc";
import { buttonClass, errorText, inputClass, NoticeLine, type Notice } from "../settings-ui";

type Form = { alertEmail: string; emailLocale: Locale; timeZone: string };

/**
 * The company's settings form. The time zone is a searchable field (a text box with the zone list as
 * suggestions, so typing "Mos" offers Europe/Moscow); a name the list does not know is refused in words.
 */
export function CompanySettingsForm({ zones }: { zones: string[] }) {
  const t = useT();
  const trpc = useTRPC();
  const settings = useQuery(trpc.company.settings.queryOptions());
  if (!settings.data) return <p className="text-sm text-slate-600">{t("people.common.loading")}</p>;
  return <SettingsForm zones={zones} initial={{ alertEmail: settings.data.alertEmail, emailLocale: settings.data.emailLocale, timeZone: settings.data.timeZone }} />;
}

/** This browser's time zone (none while rendering on the server), offered as a one-click choice. */
const browserZoneSnapshot = () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isTimeZone(zone) ? zone : null;
};
const noSubscription = () => () => {};

function SettingsForm({ zones, initial }: { zones: string[]; initial: Form }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(initial);
  const [notice, setNotice] = useState<Notice>(null);
  const browserZone = useSyncExternalStore(noSubscription, browserZoneSnapshot, () => null);
  const ids = { email: useId(), emailHint: useId(), lang: useId(), langHint: useId(), zone: useId(), zoneHint: useId(), list: useId() };

  const save = useMutation(
    trpc.company.update.mutationOptions({
      onSuccess: (result) => {
        setForm({ alertEmail: result.alertEmail, emailLocale: result.emailLocale, timeZone: result.timeZone });
        setNotice({ kind: "ok", text: result.noticesQueued ? t("company.saved.alertMoved", { email: result.alertEmail }) : t("company.saved") });
        void queryClient.invalidateQueries({ queryKey: trpc.company.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.mailbox.pathKey() });
      },
      onError: (error) => {
        const fields = (error as { data?: { zodError?: { fieldErrors?: Record<string, unknown> } | null } }).data?.zodError?.fieldErrors ?? {};
        const text = fields.alertEmail ? t("company.errors.alertEmail") : fields.timeZone ? t("company.errors.timeZone") : errorText(t, error);
        setNotice({ kind: "error", text });
      },
    }),
  );
  const zoneValid = isTimeZone(form.timeZone.trim());
  const now = useMemo(() => (zoneValid ? formatDateTime(locale, new Date(), "medium", form.timeZone.trim()) : null), [form.timeZone, zoneValid, locale]);

  return (
    <section aria-labelledby="company-heading" className="max-w-2xl rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="company-heading" className="font-semibold">
        {t("company.title")}
      </h2>
      <p className="mt-1 text-sm text-slate-700">{t("company.description")}</p>
      <form
        className="mt-4 flex flex-col gap-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setNotice(null);
          if (!zoneValid) return setNotice({ kind: "error", text: t("company.errors.timeZone") });
          save.mutate({ alertEmail: form.alertEmail, emailLocale: form.emailLocale, timeZone: form.timeZone.trim() });
        }}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.email} className="text-sm font-medium">
            {t("company.alertEmail")}
          </label>
          <input
            id={ids.email}
            type="email"
            autoComplete="email"
            required
            className={inputClass}
            aria-describedby={ids.emailHint}
            value={form.alertEmail}
            onChange={(e) => setForm({ ...form, alertEmail: e.target.value })}
          />
          <p id={ids.emailHint} className="text-xs text-slate-600">
            {t("company.alertEmail.hint")}
          </p>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.lang} className="text-sm font-medium">
            {t("company.emailLocale")}
          </label>
          <select id={ids.lang} className={inputClass} aria-describedby={ids.langHint} value={form.emailLocale} onChange={(e) => setForm({ ...form, emailLocale: e.target.value as Locale })}>
            {locales.map((l) => (
              <option key={l} value={l} lang={l}>
                {localeNames[l]}
              </option>
            ))}
          </select>
          <p id={ids.langHint} className="text-xs text-slate-600">
            {t("company.emailLocale.hint")}
          </p>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.zone} className="text-sm font-medium">
            {t("company.timeZone")}
          </label>
          <input
            id={ids.zone}
            type="text"
            list={ids.list}
            autoComplete="off"
            spellCheck={false}
            className={inputClass}
            aria-describedby={ids.zoneHint}
            aria-invalid={!zoneValid}
            value={form.timeZone}
            onChange={(e) => setForm({ ...form, timeZone: e.target.value })}
          />
          <datalist id={ids.list}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <p id={ids.zoneHint} className="text-xs text-slate-600">
            {t("company.timeZone.hint")}
          </p>
          {now && (
            <p className="text-xs text-slate-700" data-testid="zone-now">
              {t("company.timeZone.now", { when: now })}
            </p>
          )}
          {browserZone && browserZone !== form.timeZone && (
            <button type="button" className={`${buttonClass.secondary} self-start`} onClick={() => setForm({ ...form, timeZone: browserZone })}>
              {t("company.timeZone.useBrowser", { zone: browserZone })}
            </button>
          )}
        </div>
        <div>
          <button type="submit" className={buttonClass.primary} disabled={save.isPending}>
            {save.isPending ? t("company.saving") : t("company.save")}
          </button>
        </div>
        <NoticeLine notice={notice} />
      </form>
    </section>
  );
}
