import type { ReactElement } from "react";
import type { Locale, Translate } from "../../i18n";

/** The language an email is written in (catalog strings and dates) and the company's time zone its times are in. */
export type EmailI18n = { t: Translate; locale: Locale; timeZone: string };

export type RenderedTemplate = { subject: string; element: ReactElement };
