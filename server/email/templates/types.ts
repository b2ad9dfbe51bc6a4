import type { ReactElement } from "react";
import type { Locale, Translate } from "../../i18n";

/** The language an email is written in: catalog strings and dates. */
export type EmailI18n = { t: Translate; locale: Locale };

export type RenderedTemplate = { subject: string; element: ReactElement };
