import { Button, Heading, Link, Section, Text } from "@react-email/components";
import { formatDateTime } from "../../i18n";
import type { EmailI18n, RenderedTemplate } from "./types";
import { EmailLayout, emailStyles } from "./layout";

export type InvitationEmailProps = {
  recipientName: string;
  inviterName: string;
  companyName: string;
  role: "admin" | "operator";
  /** The set-password link with its single-use token. */
  link: string;
  expiresAt: Date;
};

/** An invited person's set-password link (People → Invite, or "Resend invitation"). */
export function invitationEmail(props: InvitationEmailProps, { t, locale, timeZone }: EmailI18n): RenderedTemplate {
  const role = t(props.role === "admin" ? "role.admin" : "role.operator");
  const vars = { name: props.recipientName, inviter: props.inviterName, company: props.companyName, role };
  const expires = formatDateTime(locale, props.expiresAt, "medium", timeZone);
  return {
    subject: t("people.email.invitation.subject", vars),
    element: (
      <EmailLayout locale={locale} preview={t("people.email.invitation.preview", vars)} footerText={t("people.email.invitation.footer", vars)}>
        <Heading as="h1" style={emailStyles.heading}>
          {t("people.email.invitation.heading", vars)}
        </Heading>
        <Text style={emailStyles.text}>{t("people.email.invitation.greeting", vars)}</Text>
        <Text style={emailStyles.text}>{t("people.email.invitation.body", vars)}</Text>
        <Section style={{ margin: "20px 0" }}>
          <Button href={props.link} style={emailStyles.button}>
            {t("people.email.invitation.button")}
          </Button>
        </Section>
        <Text style={emailStyles.muted}>{t("people.email.invitation.linkHint")}</Text>
        <Text style={emailStyles.muted}>
          <Link href={props.link} style={emailStyles.link}>
            {props.link}
          </Link>
        </Text>
        <Text style={emailStyles.muted}>{t("people.email.invitation.expires", { when: expires })}</Text>
      </EmailLayout>
    ),
  };
}
