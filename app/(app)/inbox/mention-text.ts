type Person = { id: string; name: string };

export type NotePart = { text: string } | { mention: string; userId: string };

/**
 * A note's text cut into plain runs and "@Full Name" mentions of the company's people, so the thread can show
 * who was pulled in. The longest name wins where one name begins another ("@Anna" and "@Anna Lee"), and a name
 * counts only as a whole word (not "@Annabel").
 */
export function noteParts(text: string, people: readonly Person[]): NotePart[] {
  const names = [...people].filter((p) => p.name.trim()).sort((a, b) => b.name.length - a.name.length);
  const parts: NotePart[] = [];
  let plain = "";
  let i = 0;
  while (i < text.length) {
    const boundaryBefore = i === 0 || /\s/u.test(text[i - 1]!);
    const hit =
      text[i] === "@" && boundaryBefore
        ? names.find((p) => text.startsWith(p.name, i + 1) && !/[\p{L}\p{N}_]/u.test(text[i + 1 + p.name.length] ?? ""))
        : undefined;
    if (!hit) {
      plain += text[i];
      i += 1;
      continue;
    }
    if (plain) parts.push({ text: plain });
    plain = "";
    parts.push({ mention: `@${hit.name}`, userId: hit.id });
    i += 1 + hit.name.length;
  }
  if (plain) parts.push({ text: plain });
  return parts;
}
