"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "./providers";

export type LostChannel = { id: string; name: string; provider: "telegram" | "messenger" | "instagram" | "vk" };

/**
 * Next to Settings: how many channels lost their connection, in words, and a button that opens a list of them,
 * each a link to its Details. A disclosure: Enter or Space opens it, Escape closes it and focus goes back to the
 * button, a click elsewhere closes it.
 */
export function LostChannels({ channels }: { channels: LostChannel[] }) {
  const t = useT();
  const pathname = usePathname();
  // Open on the page where it was opened: following a link (any navigation) closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const setOpen = (value: boolean | ((was: boolean) => boolean)) => setOpenOn((typeof value === "function" ? value(open) : value) ? pathname : null);
  const listId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const count = channels.length;

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpenOn(null);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  if (count === 0) return null;
  return (
    <div
      ref={box}
      className="relative"
      data-testid="settings-alert"
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          e.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((v) => !v)}
        className="inline-flex items-center gap-1.5 rounded border border-red-200 bg-red-50 px-2 py-1 text-xs font-medium text-red-900 hover:bg-red-100"
      >
        <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full bg-red-600" />
        {/* Words at every width: the count alone on narrow screens, the sentence where there is room. */}
        <span aria-hidden className="whitespace-nowrap lg:hidden">{t("nav.lostChannelsShort", { count })}</span>
        <span className="sr-only lg:not-sr-only">{t("nav.lostChannels", { count })}</span>
      </button>
      {open && (
        <div id={listId} className="fixed inset-x-4 z-30 mt-1 rounded-lg border border-slate-200 bg-white p-3 shadow-lg sm:absolute sm:inset-x-auto sm:left-0 sm:w-72" data-testid="lost-channels">
          <p className="text-sm font-semibold">{t("nav.lostChannelsTitle", { count })}</p>
          <ul className="mt-2 space-y-1">
            {channels.map((c) => (
              <li key={c.id}>
                <Link href={`/settings/channels/${c.id}`} className="block rounded px-1 py-1 text-sm text-brand-700 underline hover:bg-slate-50">
                  {c.name} <span className="text-slate-600">({t(`provider.${c.provider}` as MessageKey)})</span>
                </Link>
              </li>
            ))}
          </ul>
          <Link href="/settings/channels" className="mt-2 inline-block text-xs text-slate-700 underline">
            {t("nav.lostChannelsAll")}
          </Link>
        </div>
      )}
    </div>
  );
}
