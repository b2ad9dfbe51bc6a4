import { render, toPlainText } from "@react-email/render";
import { catalog, DEFAULT_TIME_ZONE, translator, type Locale } from "../i18n";
import { emailTemplates, type EmailI18n, type EmailTemplate, type RenderedTemplate } from "./templates";

export type RenderedEmail = { subject: string; html: string; text: string };

/**
 * Renders a template in the given language, its times in the given time zone (named beside each time), to the
 * subject, the HTML and the plain-text version.
 */
export async function renderEmail(template: EmailTemplate, locale: Locale, timeZone: string = DEFAULT_TIME_ZONE): Promise<RenderedEmail> {
  const i18n: EmailI18n = { t: translator(catalog(locale), locale), locale, timeZone };
  // The registry is keyed by name, so the props always match their builder.
  const build = emailTemplates[template.name] as (props: EmailTemplate["props"], i18n: EmailI18n) => RenderedTemplate;
  const { subject, element } = build(template.props, i18n);
  const html = await render(element);
  return { subject, html, text: toPlainText(html) };
}
