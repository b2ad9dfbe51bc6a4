import type { SystemNote } from "~/db/schema";
import type { MessageKey, Translate } from "~/server/i18n";
import type { ActionOutcome } from "~/server/services/conversations/conversation-actions";

/** "Waiting 5 minutes": since the customer's first message after our last answer, in the reader's language. */
export function waitingText(t: Translate, since: Date, now: number): string {
  const minutes = Math.floor((now - since.getTime()) / 60_000);
  if (minutes < 1) return t("inbox.waiting.now");
  if (minutes < 60) return t("inbox.waiting.minutes", { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("inbox.waiting.hours", { count: hours });
  return t("inbox.waiting.days", { count: Math.floor(hours / 24) });
}

/** A system note ("assigned to Anna", "closed by Oleh") in the reader's language. */
export function noteText(t: Translate, note: SystemNote): string {
  return t(`inbox.note.${note.code}` as MessageKey, note.params);
}

/** What an inbox action answered (the server's ActionOutcome, as tRPC delivers it). */
export type Outcome = ActionOutcome;

/** Why an action did not happen: someone else was first, who, and when if known ("Already reopened by Anna at 14:02."). */
export function outcomeText(t: Translate, outcome: Extract<Outcome, { ok: false }>, time?: (at: Date) => string): string {
  const name = outcome.by ?? t("inbox.outcome.nobody");
  if (outcome.reason === "already_closed") {
    if (!outcome.by) return t("inbox.outcome.already_closed_anon");
    if (outcome.at && time) return t("inbox.outcome.already_closed_at", { name, time: time(outcome.at) });
  }
  if (outcome.reason === "already_open") {
    if (!outcome.by) return t("inbox.outcome.already_open");
    if (outcome.at && time) return t("inbox.outcome.already_open_at", { name, time: time(outcome.at) });
    return t("inbox.outcome.already_open_by", { name });
  }
  return t(`inbox.outcome.${outcome.reason}` as MessageKey, { name });
}

/** A refusal's words: the server names a catalog key (DomainError) or it is a generic failure. */
export function errorText(t: Translate, error: { message: string; data?: unknown } | null | undefined, fallback: MessageKey): string {
  const key = error?.message;
  if (key && /^[a-zA-Z]+(\.[a-zA-Z_]+)+$/.test(key)) {
    // An unexpected failure carries the id that finds its details in the server log.
    const id = (error?.data as { errorId?: string | null } | undefined)?.errorId ?? "";
    const text = t(key as MessageKey, { id });
    if (text !== key) return text;
  }
  return t(fallback);
}
