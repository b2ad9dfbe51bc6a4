"use client";
import { useQuery } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { clearAllDrafts } from "../_lib/drafts";
import { useTRPC } from "../_lib/trpc";
import { AvailabilityControl } from "./availability";
import { LanguageSwitch } from "./language-switch";
import { LostChannels, type LostChannel } from "./lost-channels";
import { useT } from "./providers";

export function AppNav({ user, initialLostChannels, sandbox }: { user: { name: string; role: "admin" | "operator" }; initialLostChannels: LostChannel[]; sandbox: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const pathname = usePathname();
  const router = useRouter();
  const attention = useQuery({ ...trpc.channels.needsAttention.queryOptions(), initialData: initialLostChannels });

  const link = (href: string, active: boolean) =>
    `relative rounded px-3 py-2 text-sm font-medium ${active ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-100"}`;

  return (
    <header className="border-b border-slate-200 bg-white">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
        {t("nav.skipToContent")}
      </a>
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-2 px-4 py-2">
        <span className="mr-4 font-semibold text-brand-700">{t("app.name")}</span>
        <nav aria-label={t("nav.mainNavigation")} className="flex flex-wrap items-center gap-1">
          <Link href="/inbox" className={link("/inbox", pathname.startsWith("/inbox"))} aria-current={pathname.startsWith("/inbox") ? "page" : undefined}>
            {t("nav.inbox")}
          </Link>
          {user.role === "admin" && (
            <Link
              href="/settings/channels"
              className={link("/settings", pathname.startsWith("/settings"))}
              aria-current={pathname.startsWith("/settings") ? "page" : undefined}
            >
              {t("nav.settings")}
            </Link>
          )}
          {user.role === "admin" && <LostChannels channels={attention.data} />}
          {sandbox && (
            <Link href="/sandbox" className={link("/sandbox", pathname.startsWith("/sandbox"))} aria-current={pathname.startsWith("/sandbox") ? "page" : undefined}>
              {t("nav.sandbox")}
            </Link>
          )}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          <AvailabilityControl />
          <LanguageSwitch />
          <Link
            href="/account"
            aria-current={pathname.startsWith("/account") ? "page" : undefined}
            className={`rounded px-2 py-1.5 text-sm hover:bg-slate-100 ${pathname.startsWith("/account") ? "font-medium text-brand-700 underline" : "text-slate-600"}`}
          >
            <span className="sm:hidden">{t("account.nav")}</span>
            <span className="hidden sm:inline">
              {user.name} · {t(user.role === "admin" ? "role.admin" : "role.operator")}
            </span>
          </Link>
          <button type="button" onClick={() => {
                // Unsent drafts stay with their writer: none is left in this browser for the next person.
                clearAllDrafts();
                void signOut({ redirect: false }).then(() => {
                // Stay on this app's own origin whatever NEXTAUTH_URL says; refresh drops the signed-in pages.
                router.replace("/sign-in");
                router.refresh();
              });
            }} className="rounded px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
            {t("nav.signOut")}
          </button>
        </div>
      </div>
    </header>
  );
}
