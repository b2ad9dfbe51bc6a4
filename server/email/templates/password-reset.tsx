import { Button, Heading, Link, Section, Text } from "@react-email/components";
import { formatDateTime } from "../../i18n";
import type { EmailI18n, RenderedTemplate } from "./types";
import { EmailLayout, emailStyles } from "./layout";

export type PasswordResetEmailProps = {
  recipientName: string;
  companyName: string;
  /** Who asked: the person themselves (Forgot password) or an admin of the company (People). */
  requestedBy: { kind: "self" } | { kind: "admin"; name: string };
  /** The set-password link with its single-use token. */
  link: string;
  expiresAt: Date;
};

/** A single-use link to choose a new password (1 hour). */
export function passwordResetEmail(props: PasswordResetEmailProps, { t, locale, timeZone }: EmailI18n): RenderedTemplate {
  const vars = { name: props.recipientName, company: props.companyName, admin: props.requestedBy.kind === "admin" ? props.requestedBy.name : "" };
  const expires = formatDateTime(locale, props.expiresAt, "medium", timeZone);
  return {
    subject: t("account.email.reset.subject", vars),
    element: (
      <EmailLayout locale={locale} preview={t("account.email.reset.preview", vars)} footerText={t("account.email.reset.footer", vars)}>
        <Heading as="h1" style={emailStyles.heading}>
          {t("account.email.reset.heading", vars)}
        </Heading>
        <Text style={emailStyles.text}>{t("account.email.reset.greeting", vars)}</Text>
        <Text style={emailStyles.text}>{t(props.requestedBy.kind === "admin" ? "account.email.reset.bodyAdmin" : "account.email.reset.bodySelf", vars)}</Text>
        <Section style={{ margin: "20px 0" }}>
          <Button href={props.link} style={emailStyles.button}>
            {t("account.email.reset.button")}
          </Button>
        </Section>
        <Text style={emailStyles.muted}>{t("account.email.reset.linkHint")}</Text>
        <Text style={emailStyles.muted}>
          <Link href={props.link} style={emailStyles.link}>
            {props.link}
          </Link>
        </Text>
        <Text style={emailStyles.muted}>{t("account.email.reset.expires", { when: expires })}</Text>
      </EmailLayout>
    ),
  };
}
