import type { EmailI18n, RenderedTemplate } from "./types";
import { invitationEmail, type InvitationEmailProps } from "./invitation";
import { passwordResetEmail, type PasswordResetEmailProps } from "./password-reset";
import { alertEmailChangedEmail, type AlertEmailChangedProps } from "./alert-email-changed";
import {
  channelWarningEmail,
  connectionLostEmail,
  connectionRestoredEmail,
  type ChannelWarningEmailProps,
  type ConnectionLostEmailProps,
  type ConnectionRestoredEmailProps,
} from "./channel-health";

/**
 * Every email the product sends, by name with its props. Add a template here (a react-email component
 * with its strings in the catalog) and queueEmail can send it in any of the product's languages.
 */
export type EmailTemplate =
  | { name: "invitation"; props: InvitationEmailProps }
  | { name: "password_reset"; props: PasswordResetEmailProps }
  | { name: "connection_lost"; props: ConnectionLostEmailProps }
  | { name: "connection_restored"; props: ConnectionRestoredEmailProps }
  | { name: "channel_warning"; props: ChannelWarningEmailProps }
  | { name: "alert_email_changed"; props: AlertEmailChangedProps };

type Builders = { [K in EmailTemplate["name"]]: (props: Extract<EmailTemplate, { name: K }>["props"], i18n: EmailI18n) => RenderedTemplate };

export const emailTemplates: Builders = {
  invitation: invitationEmail,
  password_reset: passwordResetEmail,
  connection_lost: connectionLostEmail,
  connection_restored: connectionRestoredEmail,
  channel_warning: channelWarningEmail,
  alert_email_changed: alertEmailChangedEmail,
};

export type { EmailI18n, RenderedTemplate };
