"use client";

/**
 * Unsent replies, kept in this browser's storage so a reload loses nothing. A draft belongs to the person who
 * wrote it (the key holds their user id), and every draft is removed when a session ends in this browser — signing
 * out, the session ended elsewhere, or the sign-in page shown to nobody signed in — so the next person at a shared
 * computer never sees what the last one was writing about a customer.
 */
const PREFIX = "switchboard:draft:";

export const draftKey = (userId: string, conversationId: string) => `${PREFIX}${userId}:${conversationId}`;

export function readDraft(userId: string, conversationId: string): string {
  try {
    return window.localStorage.getItem(draftKey(userId, conversationId)) ?? "";
  } catch {
    return ""; // storage unavailable (private mode): drafts simply are not kept
  }
}

export function writeDraft(userId: string, conversationId: string, text: string): void {
  try {
    if (text) window.localStorage.setItem(draftKey(userId, conversationId), text);
    else window.localStorage.removeItem(draftKey(userId, conversationId));
  } catch {
    // see readDraft
  }
}

/** Removes every draft kept in this browser, whoever wrote it (older unkeyed drafts included). */
export function clearAllDrafts(): void {
  try {
    const storage = window.localStorage;
    for (let i = storage.length - 1; i >= 0; i--) {
      const key = storage.key(i);
      if (key?.startsWith(PREFIX)) storage.removeItem(key);
    }
  } catch {
    // see readDraft
  }
}
