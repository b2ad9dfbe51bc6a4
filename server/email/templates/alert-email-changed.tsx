import { Heading, Text } from "@react-email/components";
import { formatDateTime } from "../../i18n";
import type { EmailI18n, RenderedTemplate } from "./types";
import { EmailLayout, emailStyles } from "./layout";

export type AlertEmailChangedProps = {
  companyName: string;
  oldEmail: string;
  newEmail: string;
  changedBy: string;
  at: Date;
  /** Which address this copy goes to: the one that no longer gets alerts, or the one that now does. */
  recipient: "old" | "new";
};

/** Settings → Company: the address that receives connection alerts changed; both addresses are told. */
export function alertEmailChangedEmail(props: AlertEmailChangedProps, { t, locale, timeZone }: EmailI18n): RenderedTemplate {
  const vars = { company: props.companyName, old: props.oldEmail, new: props.newEmail, name: props.changedBy, when: formatDateTime(locale, props.at, "medium", timeZone) };
  const body = props.recipient === "old" ? "company.email.alertChanged.bodyOld" : "company.email.alertChanged.bodyNew";
  return {
    subject: t("company.email.alertChanged.subject", vars),
    element: (
      <EmailLayout locale={locale} preview={t(body, vars)} footerText={t("company.email.alertChanged.footer", vars)}>
        <Heading as="h1" style={emailStyles.heading}>
          {t("company.email.alertChanged.subject", vars)}
        </Heading>
        <Text style={emailStyles.text}>{t(body, vars)}</Text>
        <Text style={emailStyles.muted}>{t("company.email.alertChanged.notYou", vars)}</Text>
      </EmailLayout>
    ),
  };
}
