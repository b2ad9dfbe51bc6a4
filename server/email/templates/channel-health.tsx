import { Button, Heading, Section, Text } from "@react-email/components";
import { formatDateTime, type MessageKey } from "../../i18n";
import type { EmailI18n, RenderedTemplate } from "./types";
import { EmailLayout, emailStyles } from "./layout";

type ChannelRef = {
  channelName: string;
  provider: "telegram" | "messenger" | "instagram" | "vk";
  /** The bot's @username or the account handle, named in fixes such as "paste the new token of @bot". */
  username?: string | null;
  detailsUrl: string;
  companyName: string;
  registrationEmail: string;
};

/** `again`: lost once more soon after the "connected again" email, so this one corrects it. */
export type ConnectionLostEmailProps = ChannelRef & { reasonCode: string; since: Date; again?: boolean };
/** `recoveredCount`: messages customers wrote while it was down that arrived after the reconnect, when known. */
export type ConnectionRestoredEmailProps = ChannelRef & { at: Date; recoveredCount?: number | null };
export type ChannelWarningEmailProps = ChannelRef & { warningCode: string; expiresAt?: Date | null };

const known = (t: EmailI18n["t"], key: string, fallback: MessageKey): MessageKey => (t(key as MessageKey) === key ? fallback : (key as MessageKey));

function common(props: ChannelRef, { t }: EmailI18n) {
  return {
    channel: props.channelName,
    provider: t(`provider.${props.provider}` as MessageKey),
    username: props.username ? `@${props.username.replace(/^@/, "")}` : props.channelName,
    footer: t("health.email.footer", { email: props.registrationEmail, company: props.companyName }),
  };
}

function DetailsButton({ href, label }: { href: string; label: string }) {
  return (
    <Section style={{ margin: "20px 0" }}>
      <Button href={href} style={emailStyles.button}>
        {label}
      </Button>
    </Section>
  );
}

/** F1: one email per incident to the registration email — the channel, the cause in words, the fix, a link. */
export function connectionLostEmail(props: ConnectionLostEmailProps, i18n: EmailI18n): RenderedTemplate {
  const { t, locale, timeZone } = i18n;
  const c = common(props, i18n);
  const reason = t(known(t, `reason.${props.reasonCode}`, "reason.unknown"));
  const fix = t(known(t, `health.fix.${props.reasonCode}`, "health.fix.unknown"), { username: c.username });
  const vars = { channel: c.channel, provider: c.provider, reason, fix, when: formatDateTime(locale, props.since, "medium", timeZone) };
  return {
    subject: t(props.again ? "health.email.lostAgain.subject" : "health.email.lost.subject", vars),
    element: (
      <EmailLayout locale={locale} preview={t("health.email.lost.preview", vars)} footerText={c.footer}>
        <Heading as="h1" style={emailStyles.heading}>
          {t(props.again ? "health.email.lostAgain.heading" : "health.email.lost.heading", vars)}
        </Heading>
        <Text style={emailStyles.text}>{t("health.email.lost.body", vars)}</Text>
        <Text style={emailStyles.text}>{t("health.email.lost.reason", vars)}</Text>
        <Text style={emailStyles.text}>{t("health.email.lost.fix", vars)}</Text>
        <DetailsButton href={props.detailsUrl} label={t("health.email.lost.button")} />
      </EmailLayout>
    ),
  };
}

/** The channel works again (reconnected by an admin, or a probe found it working). */
export function connectionRestoredEmail(props: ConnectionRestoredEmailProps, i18n: EmailI18n): RenderedTemplate {
  const { t, locale, timeZone } = i18n;
  const c = common(props, i18n);
  const vars = { channel: c.channel, provider: c.provider, when: formatDateTime(locale, props.at, "medium", timeZone) };
  return {
    subject: t("health.email.restored.subject", vars),
    element: (
      <EmailLayout locale={locale} preview={t("health.email.restored.preview", vars)} footerText={c.footer}>
        <Heading as="h1" style={emailStyles.heading}>
          {t("health.email.restored.heading", vars)}
        </Heading>
        <Text style={emailStyles.text}>{t("health.email.restored.body", vars)}</Text>
        {typeof props.recoveredCount === "number" && <Text style={emailStyles.text}>{t("health.email.restored.recovered", { count: props.recoveredCount })}</Text>}
        <DetailsButton href={props.detailsUrl} label={t("health.email.lost.button")} />
      </EmailLayout>
    ),
  };
}

/** A heads-up before a loss: one per warning. */
export function channelWarningEmail(props: ChannelWarningEmailProps, i18n: EmailI18n): RenderedTemplate {
  const { t, locale, timeZone } = i18n;
  const c = common(props, i18n);
  const warning = t(known(t, `health.warning.${props.warningCode}`, "health.warning.unknown"), {
    when: props.expiresAt ? formatDateTime(locale, props.expiresAt, "medium", timeZone) : "",
  });
  const vars = { channel: c.channel, provider: c.provider, warning };
  return {
    subject: t("health.email.warning.subject", vars),
    element: (
      <EmailLayout locale={locale} preview={warning} footerText={c.footer}>
        <Heading as="h1" style={emailStyles.heading}>
          {t("health.email.warning.heading", vars)}
        </Heading>
        <Text style={emailStyles.text}>{t("health.email.warning.body", vars)}</Text>
        <DetailsButton href={props.detailsUrl} label={t("health.email.lost.button")} />
      </EmailLayout>
    ),
  };
}
