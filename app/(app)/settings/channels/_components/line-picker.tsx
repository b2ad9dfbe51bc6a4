"use client";
import { useId } from "react";
import { useT } from "../../../../_components/providers";
import { inputClass } from "./shared";

export type LineOption = { id: string; name: string; telegramBot: { channelId: string; name: string; username: string | null } | null };
export type LineValue = { kind: "existing"; lineId: string } | { kind: "new"; name: string };

/**
 * Which line the new channel feeds. For a Telegram bot, lines that already have one are not offered (one bot per
 * line, seed 001) and the form says which and why; with no free line, a new one is created on the spot.
 */
export function LinePicker({ lines, value, onChange, oneBotPerLine }: { lines: LineOption[]; value: LineValue; onChange: (v: LineValue) => void; oneBotPerLine: boolean }) {
  const t = useT();
  const groupId = useId();
  const offered = oneBotPerLine ? lines.filter((l) => !l.telegramBot) : lines;
  const taken = oneBotPerLine ? lines.filter((l) => l.telegramBot) : [];
  return (
    <fieldset className="space-y-2" aria-describedby={taken.length > 0 ? `${groupId}-taken` : undefined}>
      <legend className="text-sm font-medium">{t("channelsAdmin.line.choose")}</legend>
      {offered.map((line) => (
        <label key={line.id} className="flex items-center gap-2 text-sm">
          <input type="radio" name={groupId} checked={value.kind === "existing" && value.lineId === line.id} onChange={() => onChange({ kind: "existing", lineId: line.id })} />
          {line.name}
        </label>
      ))}
      <label className="flex items-center gap-2 text-sm">
        <input type="radio" name={groupId} checked={value.kind === "new"} onChange={() => onChange({ kind: "new", name: value.kind === "new" ? value.name : "" })} />
        {t("channelsAdmin.line.new")}
      </label>
      {value.kind === "new" && (
        <label className="block pl-6 text-sm font-medium">
          {t("channelsAdmin.line.newName")}
          <input className={`mt-1 ${inputClass}`} value={value.name} maxLength={100} required onChange={(e) => onChange({ kind: "new", name: e.target.value })} />
        </label>
      )}
      {lines.length === 0 ? (
        <p className="text-xs text-slate-600">{t("channelsAdmin.line.none")}</p>
      ) : offered.length === 0 ? (
        <p id={`${groupId}-taken`} className="text-xs text-slate-700">
          {t("channelsAdmin.line.noneFree")} {t("channelsAdmin.line.taken", { lines: taken.map((l) => l.name).join(", ") })}
        </p>
      ) : (
        taken.length > 0 && (
          <p id={`${groupId}-taken`} className="text-xs text-slate-600">
            {t("channelsAdmin.line.taken", { lines: taken.map((l) => l.name).join(", ") })}
          </p>
        )
      )}
    </fieldset>
  );
}

/** The first free line, else a new one: what the picker starts on. */
export function initialLine(lines: LineOption[], oneBotPerLine: boolean): LineValue {
  const first = (oneBotPerLine ? lines.filter((l) => !l.telegramBot) : lines)[0];
  return first ? { kind: "existing", lineId: first.id } : { kind: "new", name: "" };
}
