"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";

const SECTIONS: { href: string; label: MessageKey }[] = [
  { href: "/settings/channels", label: "people.nav.channels" },
  { href: "/settings/lines", label: "people.nav.lines" },
  { href: "/settings/people", label: "people.nav.people" },
  { href: "/settings/teams", label: "people.nav.teams" },
  { href: "/settings/saved-replies", label: "savedReplies.nav" },
  { href: "/settings/mailbox", label: "people.nav.mailbox" },
  { href: "/settings/company", label: "company.nav" },
];

/** Settings sections. Wraps onto a second row on a narrow screen rather than scrolling the page sideways. */
export function SettingsNav() {
  const t = useT();
  const pathname = usePathname();
  return (
    <nav aria-label={t("people.nav.label")} className="mb-4">
      <ul className="flex flex-wrap gap-1 border-b border-slate-200 pb-2">
        {SECTIONS.map((s) => {
          const current = pathname === s.href || pathname.startsWith(`${s.href}/`);
          return (
            <li key={s.href}>
              <Link
                href={s.href}
                aria-current={current ? "page" : undefined}
                className={`inline-block rounded px-3 py-1.5 text-sm font-medium ${current ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
              >
                {t(s.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
