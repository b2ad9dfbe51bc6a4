import type { EmailI18n, RenderedTemplate } from "./types";
import { invitationEmail, type InvitationEmailProps } from "./invitation";

/**
 * Every email the product sends, by name with its props. Add a template here (a react-email component
 * with its strings in the catalog) and queueEmail can send it in any of the product's languages.
 */
export type EmailTemplate = { name: "invitation"; props: InvitationEmailProps };

type Builders = { [K in EmailTemplate["name"]]: (props: Extract<EmailTemplate, { name: K }>["props"], i18n: EmailI18n) => RenderedTemplate };

export const emailTemplates: Builders = {
  invitation: invitationEmail,
};

export type { EmailI18n, RenderedTemplate };
