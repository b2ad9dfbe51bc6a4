"use client";
import type { AnchorHTMLAttributes, MouseEvent } from "react";

/**
 * Moves the inbox to another view (conversation, tab, filter, search) without a server round trip: the App Router
 * keeps useSearchParams in step with the browser's history, so the view's data request starts on the click, and
 * back, forward and a shared link still open the same view.
 */
export function goTo(href: string, how: "push" | "replace" = "push") {
  if (href === `${window.location.pathname}${window.location.search}`) return;
  if (how === "push") window.history.pushState(null, "", href);
  else window.history.replaceState(null, "", href);
}

/** A plain left click changes the view in place; a middle or modified click still opens a new tab as any link does. */
export function followsInPlace(e: MouseEvent<HTMLAnchorElement>): boolean {
  return !e.defaultPrevented && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
}

/** A link to another view of the inbox: a real address (to share, or open in a new tab), followed in place. */
export function InboxLink({ href, onClick, ...props }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return (
    <a
      href={href}
      onClick={(e) => {
        onClick?.(e);
        if (!followsInPlace(e)) return;
        e.preventDefault();
        goTo(href);
      }}
      {...props}
    />
  );
}
