/**
 * A message's place in its thread (messages.sort_key): the instant it was written, in microseconds, times 10¹²,
 * plus a tie-break in provider order for messages of the same instant (Telegram dates are whole seconds, so a
 * burst is ordered by update_id; VK by conversation_message_id; Meta by arrival). Messages written here (replies,
 * notes) get the database default: the time of writing with a zero tie-break.
 */
const TIEBREAK = 10n ** 12n;

export function sortKeyFor(at: Date, tiebreak: number): string {
  const ms = Number.isFinite(at.getTime()) ? at.getTime() : Date.now();
  const within = Number.isSafeInteger(tiebreak) && tiebreak > 0 ? BigInt(tiebreak) % TIEBREAK : 0n;
  return (BigInt(Math.trunc(ms)) * 1000n * TIEBREAK + within).toString();
}
