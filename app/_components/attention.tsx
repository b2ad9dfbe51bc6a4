"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { MessageKey } from "~/server/i18n";
import { attentionFor, titleWithCount, type Attention } from "~/server/realtime/presence";
import { useTRPC } from "../_lib/trpc";
import { useT } from "./providers";
import { useRealtime } from "./realtime";

/** This browser's choice (the Notifications API permission is per browser too): off until the person turns it on. */
const PREFS_KEY = "switchboard.notifications";
/** Which tab notifies of an event (a Web Lock's name, or a localStorage key): with several tabs open, one notification and one sound. */
const CLAIM_PREFIX = "switchboard.notified.";
const CLAIM_TTL_MS = 60_000;
type Prefs = { enabled: boolean; sound: boolean };
const OFF: Prefs = { enabled: false, sound: false };
const PREFS_CHANGED = "switchboard:notification-prefs";

let cachedRaw: string | null = null;
let cachedPrefs: Prefs = OFF;
function readPrefs(): Prefs {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(PREFS_KEY);
  } catch {
    raw = null;
  }
  if (raw === cachedRaw) return cachedPrefs;
  cachedRaw = raw;
  try {
    const parsed = JSON.parse(raw ?? "null") as Partial<Prefs> | null;
    cachedPrefs = { enabled: parsed?.enabled === true, sound: parsed?.sound === true };
  } catch {
    cachedPrefs = OFF;
  }
  return cachedPrefs;
}
function writePrefs(prefs: Prefs) {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // refused storage: the choice lasts this page only
  }
  window.dispatchEvent(new Event(PREFS_CHANGED));
}
function onPrefsChange(notify: () => void) {
  window.addEventListener("storage", notify);
  window.addEventListener(PREFS_CHANGED, notify);
  return () => {
    window.removeEventListener("storage", notify);
    window.removeEventListener(PREFS_CHANGED, notify);
  };
}
export function useNotificationPrefs(): Prefs {
  return useSyncExternalStore(onPrefsChange, readPrefs, () => OFF);
}

const supported = () => typeof window !== "undefined" && "Notification" in window;

/** A short two-note chime made with WebAudio: no file to fetch, nothing played before the person asked for sound. */
export function playChime() {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    gain.gain.setValueAtTime(0.0001, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.45);
    [880, 1320].forEach((hz, i) => {
      const osc = ctx.createOscillator();
      osc.type = "sine";
      osc.frequency.value = hz;
      osc.connect(gain);
      osc.start(ctx.currentTime + i * 0.12);
      osc.stop(ctx.currentTime + 0.45);
    });
    setTimeout(() => void ctx.close(), 800);
  } catch {
    // audio refused (autoplay policy): the notification itself still shows
  }
}

/** Without Web Locks: a claim written to localStorage (two tabs reading it at the same instant may both notify). */
function claim(key: string): boolean {
  try {
    const now = Date.now();
    const previous = Number(localStorage.getItem(CLAIM_PREFIX + key));
    if (previous && now - previous < CLAIM_TTL_MS) return false;
    localStorage.setItem(CLAIM_PREFIX + key, String(now));
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (k?.startsWith(CLAIM_PREFIX) && now - Number(localStorage.getItem(k)) > CLAIM_TTL_MS) localStorage.removeItem(k);
    }
  } catch {
    // no storage: every tab notifies (the notification's tag still folds them into one)
  }
  return true;
}

/**
 * Runs `notify` in one tab of this browser for an event every open tab hears at the same moment. A localStorage
 * claim alone is not enough (the tabs read it before either one's write is seen: two notifications, two chimes);
 * the Web Locks API is atomic across tabs: the first tab takes the event's lock and keeps it for CLAIM_TTL_MS, the
 * others find it taken.
 */
function inOneTab(key: string, notify: () => void) {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!locks) {
    if (claim(key)) notify();
    return;
  }
  let granted = false;
  locks
    .request(CLAIM_PREFIX + key, { ifAvailable: true }, async (lock) => {
      granted = true;
      if (!lock) return;
      notify();
      await new Promise((resolve) => setTimeout(resolve, CLAIM_TTL_MS));
    })
    .catch(() => {
      // locks refused (an opaque origin): the localStorage claim instead
      if (!granted && claim(key)) notify();
    });
}

const KIND_TITLE: Record<Attention["kind"], MessageKey> = {
  conversation: "notifications.kind.conversation",
  message: "notifications.kind.message",
  mention: "notifications.kind.mention",
};

const away = () => document.visibilityState === "hidden" || !document.hasFocus();

/**
 * Tells the person what needs them while they look elsewhere: a new conversation in their lines or teams, a
 * customer's message in a conversation assigned to them, a mention. The tab's title counts them until the tab is
 * looked at again; with notifications on (Account page), a desktop notification — which opens the conversation —
 * and, if chosen, a chime.
 */
export function AttentionNotifier() {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const scope = useQuery({ ...trpc.account.attentionScope.queryOptions(), staleTime: 5 * 60_000 });
  const prefs = useNotificationPrefs();
  const [unread, setUnread] = useState(0);

  useRealtime((e) => {
    if (e.name === "resync" || !scope.data) return;
    const attention = attentionFor(e, scope.data);
    if (!attention || !away()) return;
    setUnread((n) => n + 1);
    const key = `${attention.kind}:${attention.conversationId}:${"messageId" in e.data ? String(e.data.messageId) : ""}`;
    if (!prefs.enabled || !supported() || Notification.permission !== "granted") return;
    const title = t(KIND_TITLE[attention.kind]);
    const body = t("notifications.body");
    inOneTab(key, () => {
      const note = new Notification(title, { body, tag: `switchboard-${attention.conversationId}`, lang: document.documentElement.lang });
      note.onclick = () => {
        window.focus();
        router.push(`/inbox?c=${attention.conversationId}`);
        note.close();
      };
      if (prefs.sound) playChime();
    });
  });

  // Looked at again: the count goes.
  useEffect(() => {
    const seen = () => {
      if (!away()) setUnread(0);
    };
    window.addEventListener("focus", seen);
    document.addEventListener("visibilitychange", seen);
    return () => {
      window.removeEventListener("focus", seen);
      document.removeEventListener("visibilitychange", seen);
    };
  }, []);

  // The count in front of whatever title the page sets (navigation replaces the title: it is put back in front).
  useEffect(() => {
    const apply = () => {
      const next = titleWithCount(document.title, unread);
      if (next !== document.title) document.title = next;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [unread]);

  return null;
}

type PermissionState = "unsupported" | NotificationPermission;
const noSubscription = () => () => undefined;
/** The browser's permission (read on each render; the server renders "default"), or what the last request answered. */
function usePermission(): [PermissionState, (p: PermissionState) => void] {
  const current = useSyncExternalStore<PermissionState>(noSubscription, () => (supported() ? Notification.permission : "unsupported"), () => "default");
  const [answered, setAnswered] = useState<PermissionState | null>(null);
  return [answered ?? current, setAnswered];
}

/** Account page: notifications are asked for here, with the person's consent, never on page load. */
export function NotificationSettings() {
  const t = useT();
  const prefs = useNotificationPrefs();
  const [permission, setPermission] = usePermission();
  const on = prefs.enabled && permission === "granted";
  const status: MessageKey =
    permission === "unsupported" ? "notifications.state.unsupported" : permission === "denied" ? "notifications.state.denied" : on ? "notifications.state.on" : "notifications.state.off";

  const enable = async () => {
    if (!supported()) return;
    const result = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
    setPermission(result);
    if (result === "granted") writePrefs({ ...prefs, enabled: true });
  };

  return (
    <section aria-labelledby="notifications-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="notifications-heading" className="font-semibold">
        {t("notifications.title")}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{t("notifications.description")}</p>
      <p role="status" data-testid="notifications-state" className="mt-2 text-sm font-medium">
        {t(status)}
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        {permission !== "unsupported" && !on && (
          <button type="button" disabled={permission === "denied"} onClick={() => void enable()} className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {t("notifications.enable")}
          </button>
        )}
        {on && (
          <>
            <button type="button" onClick={() => writePrefs({ ...prefs, enabled: false })} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
              {t("notifications.disable")}
            </button>
            <button
              type="button"
              onClick={() => {
                new Notification(t("notifications.kind.conversation"), { body: t("notifications.body"), tag: "switchboard-test" });
                if (prefs.sound) playChime();
              }}
              className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
            >
              {t("notifications.test")}
            </button>
          </>
        )}
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={prefs.sound} onChange={(e) => writePrefs({ ...prefs, sound: e.target.checked })} className="h-4 w-4" />
          {t("notifications.sound")}
        </label>
      </div>
    </section>
  );
}
