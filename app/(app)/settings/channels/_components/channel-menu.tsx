"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { reasonKey } from "~/server/i18n";
import { useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";
import { buttonPrimary, buttonSecondary, inputClass, useErrorWords, type ChannelStatus, type Provider } from "./shared";

export type MenuChannel = { id: string; name: string; status: ChannelStatus; statusReason: string | null; provider: Provider; lineId: string | null };
type Dialog = "rename" | "move" | "disconnect" | "delete" | null;
type Item = { key: string; label: string; run: () => void; danger?: boolean };

/**
 * The "⋯" menu of a channel (seed 000: "press the three dots in the bot's block → Start"): Stop / Start, Rename,
 * Move to another line, Disconnect, Delete. A menu button with arrow keys, Home / End and Escape; each action
 * reports its result in words in a live region.
 */
export type ActionResult = { kind: "ok" | "error" | "busy"; text: string } | null;

/** Where a channel's action results are read out: present before any result, so screen readers announce them. */
export function ActionResultLine({ result, onDismiss }: { result: ActionResult; onDismiss: () => void }) {
  const t = useT();
  const tone = result?.kind === "error" ? "bg-red-50 text-red-800" : result?.kind === "ok" ? "bg-green-50 text-green-900" : "bg-slate-100 text-slate-700";
  return (
    <div role="status" aria-live="polite" data-testid="channel-action-result">
      {result && (
        <p className={`mt-2 flex flex-wrap items-start justify-between gap-2 rounded p-2 text-sm ${tone}`}>
          <span>{result.text}</span>
          {result.kind !== "busy" && (
            <button type="button" className="text-xs underline" onClick={onDismiss}>
              {t("channelsAdmin.dismiss")}
            </button>
          )}
        </p>
      )}
    </div>
  );
}

export function ChannelMenu({ channel, onResult, onDeleted }: { channel: MenuChannel; onResult: (result: ActionResult) => void; onDeleted?: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorWords = useErrorWords();
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const setResult = onResult;
  const buttonRef = useRef<HTMLButtonElement>(null);
  const itemsRef = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
  const done = (text: string) => {
    setResult({ kind: "ok", text });
    void refresh();
  };
  const failed = (text: string) => {
    setResult({ kind: "error", text });
    void refresh();
  };

  const stop = useMutation(trpc.channels.stop.mutationOptions({ onMutate: () => setResult({ kind: "busy", text: t("channelsAdmin.working") }), onSuccess: () => done(t("channelsAdmin.stoppedDone", { name: channel.name })), onError: (e) => failed(t("channelsAdmin.failed", { reason: errorWords(e) })) }));
  const start = useMutation(
    trpc.channels.start.mutationOptions({
      onMutate: () => setResult({ kind: "busy", text: t("channelsAdmin.starting") }),
      onSuccess: () => done(t("channelsAdmin.started", { name: channel.name })),
      onError: (e) => failed(t("channelsAdmin.startFailed", { name: channel.name, reason: errorWords(e) })),
    }),
  );
  const busy = stop.isPending || start.isPending;

  const items: Item[] = [
    channel.status === "stopped"
      ? { key: "start", label: t("channelsAdmin.start"), run: () => start.mutate({ channelId: channel.id }) }
      : { key: "stop", label: t("channelsAdmin.stop"), run: () => stop.mutate({ channelId: channel.id }) },
    { key: "rename", label: t("channelsAdmin.rename"), run: () => setDialog("rename") },
    { key: "move", label: t("channelsAdmin.move"), run: () => setDialog("move") },
    ...(channel.statusReason === "disconnected_by_admin" ? [] : [{ key: "disconnect", label: t("channelsAdmin.disconnect"), run: () => setDialog("disconnect") }]),
    { key: "delete", label: t("channelsAdmin.delete"), run: () => setDialog("delete"), danger: true },
  ];

  useEffect(() => {
    if (open) itemsRef.current[0]?.focus();
  }, [open]);

  const close = (focusButton = true) => {
    setOpen(false);
    if (focusButton) buttonRef.current?.focus();
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const list = itemsRef.current.filter((el): el is HTMLButtonElement => Boolean(el));
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    const focus = (i: number) => list[(i + list.length) % list.length]?.focus();
    if (e.key === "ArrowDown") focus(at + 1);
    else if (e.key === "ArrowUp") focus(at - 1);
    else if (e.key === "Home") focus(0);
    else if (e.key === "End") focus(list.length - 1);
    else if (e.key === "Escape") close();
    else if (e.key === "Tab") close(false);
    else return;
    e.preventDefault();
  };

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={t("channelsAdmin.menu", { name: channel.name })}
        disabled={busy}
        onClick={() => setOpen((v) => !v)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
        className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-bold leading-none text-slate-800 hover:bg-slate-50 disabled:opacity-60"
      >
        <span aria-hidden>⋯</span>
      </button>
      {open && (
        <>
          <div className="fixed inset-0 z-10" aria-hidden onClick={() => close(false)} />
          <div id={menuId} role="menu" aria-label={t("channelsAdmin.menu", { name: channel.name })} onKeyDown={onMenuKey} className="absolute right-0 z-20 mt-1 w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
            {items.map((item, i) => (
              <button
                key={item.key}
                ref={(el) => {
                  itemsRef.current[i] = el;
                }}
                type="button"
                role="menuitem"
                tabIndex={-1}
                onClick={() => {
                  close();
                  setResult(null);
                  item.run();
                }}
                className={`block w-full px-3 py-2 text-left text-sm hover:bg-slate-100 focus:bg-slate-100 ${item.danger ? "text-red-700" : "text-slate-800"}`}
              >
                {item.label}
              </button>
            ))}
          </div>
        </>
      )}
      {dialog === "rename" && <RenameDialog channel={channel} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === "move" && <MoveDialog channel={channel} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === "disconnect" && <DisconnectDialog channel={channel} onClose={() => setDialog(null)} onDone={done} />}
      {dialog === "delete" && (
        <DeleteDialog
          channel={channel}
          onClose={() => setDialog(null)}
          onDone={(text) => {
            done(text);
            onDeleted?.();
          }}
        />
      )}
    </div>
  );
}

/** A modal <dialog>: focus moves in and is trapped by the browser, Escape closes, focus returns to the menu button. */
function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      // React's development double effect closes the dialog and opens it again at once; the close event of that
      // first close arrives afterwards, with the dialog open: only a dialog that is really closed closes the modal.
      onClose={(event) => {
        if (!event.currentTarget.open) onClose();
      }}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40">
      <div className="p-4">
        <h2 id={titleId} className="mb-3 text-base font-semibold">
          {title}
        </h2>
        {children}
      </div>
    </dialog>
  );
}

function DialogButtons({ submitLabel, pending, onClose, danger }: { submitLabel: string; pending: boolean; onClose: () => void; danger?: boolean }) {
  const t = useT();
  return (
    <div className="mt-4 flex flex-wrap justify-end gap-2">
      <button type="button" className={buttonSecondary} onClick={onClose}>
        {t("channelsAdmin.cancel")}
      </button>
      <button type="submit" disabled={pending} className={danger ? "rounded bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60" : buttonPrimary}>
        {pending ? t("channelsAdmin.working") : submitLabel}
      </button>
    </div>
  );
}

type DialogProps = { channel: MenuChannel; onClose: () => void; onDone: (text: string) => void };

function ErrorLine({ text }: { text: string | null }) {
  return (
    <p role="alert" className="mt-2 text-sm text-red-700">
      {text}
    </p>
  );
}

function RenameDialog({ channel, onClose, onDone }: DialogProps) {
  const t = useT();
  const trpc = useTRPC();
  const errorWords = useErrorWords();
  const [name, setName] = useState(channel.name);
  const [error, setError] = useState<string | null>(null);
  const rename = useMutation(trpc.channels.rename.mutationOptions());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate(
      { channelId: channel.id, name },
      {
        onSuccess: (r) => {
          onDone(t("channelsAdmin.renamed", { name: r.name }));
          onClose();
        },
        onError: (err) => setError(errorWords(err)),
      },
    );
  };
  return (
    <Modal title={t("channelsAdmin.rename.title", { name: channel.name })} onClose={onClose}>
      <form onSubmit={submit}>
        <label className="block text-sm font-medium">
          {t("channelsAdmin.rename.label")}
          <input className={`mt-1 ${inputClass}`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required autoFocus />
        </label>
        <ErrorLine text={error} />
        <DialogButtons submitLabel={t("channelsAdmin.save")} pending={rename.isPending} onClose={onClose} />
      </form>
    </Modal>
  );
}

function MoveDialog({ channel, onClose, onDone }: DialogProps) {
  const t = useT();
  const trpc = useTRPC();
  const errorWords = useErrorWords();
  const choices = useQuery(trpc.channels.lineChoices.queryOptions());
  const [lineId, setLineId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const move = useMutation(trpc.channels.move.mutationOptions());
  const others = (choices.data?.lines ?? []).filter((l) => l.id !== channel.lineId);
  // One Telegram bot per line: lines with another bot are not offered, and the form says which and why.
  const offered = channel.provider === "telegram" ? others.filter((l) => !l.telegramBot) : others;
  const taken = channel.provider === "telegram" ? others.filter((l) => l.telegramBot) : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const line = offered.find((l) => l.id === lineId);
    if (!line) return;
    move.mutate(
      { channelId: channel.id, lineId },
      {
        onSuccess: () => {
          onDone(t("channelsAdmin.moved", { line: line.name }));
          onClose();
        },
        onError: (err) => setError(errorWords(err)),
      },
    );
  };
  return (
    <Modal title={t("channelsAdmin.move.title", { name: channel.name })} onClose={onClose}>
      <form onSubmit={submit}>
        {choices.isPending ? (
          <p className="text-sm text-slate-600">{t("channelsAdmin.loading")}</p>
        ) : offered.length === 0 ? (
          <p className="text-sm text-slate-700">{t("channelsAdmin.move.none")}</p>
        ) : (
          <label className="block text-sm font-medium">
            {t("channelsAdmin.move.label")}
            <select className={`mt-1 ${inputClass}`} value={lineId} onChange={(e) => setLineId(e.target.value)} required autoFocus>
              <option value="" disabled>
                —
              </option>
              {offered.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {taken.length > 0 && <p className="mt-2 text-xs text-slate-600">{t("channelsAdmin.move.hasBot", { lines: taken.map((l) => l.name).join(", ") })}</p>}
        <ErrorLine text={error} />
        <DialogButtons submitLabel={t("channelsAdmin.move.submit")} pending={move.isPending} onClose={onClose} />
      </form>
    </Modal>
  );
}

function DisconnectDialog({ channel, onClose, onDone }: DialogProps) {
  const t = useT();
  const trpc = useTRPC();
  const errorWords = useErrorWords();
  const [error, setError] = useState<string | null>(null);
  const disconnect = useMutation(trpc.channels.disconnect.mutationOptions());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    disconnect.mutate(
      { channelId: channel.id },
      {
        onSuccess: () => {
          onDone(t("channelsAdmin.disconnected", { name: channel.name }));
          onClose();
        },
        onError: (err) => setError(errorWords(err)),
      },
    );
  };
  return (
    <Modal title={t("channelsAdmin.disconnect.title", { name: channel.name })} onClose={onClose}>
      <form onSubmit={submit}>
        <p className="text-sm text-slate-700">{t(channel.provider === "telegram" ? "channelsAdmin.disconnect.telegram" : "channelsAdmin.disconnect.other")}</p>
        <ErrorLine text={error} />
        <DialogButtons submitLabel={t("channelsAdmin.disconnect")} pending={disconnect.isPending} onClose={onClose} danger />
      </form>
    </Modal>
  );
}

function DeleteDialog({ channel, onClose, onDone }: DialogProps) {
  const t = useT();
  const trpc = useTRPC();
  const errorWords = useErrorWords();
  const [error, setError] = useState<string | null>(null);
  // What goes with it, counted now, so the confirmation names it.
  const details = useQuery(trpc.channels.details.queryOptions({ channelId: channel.id }));
  const remove = useMutation(trpc.channels.delete.mutationOptions());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate(
      { channelId: channel.id },
      {
        onSuccess: () => {
          onClose();
          onDone(t("channelsAdmin.deleted", { name: channel.name }));
        },
        onError: (err) => setError(errorWords(err)),
      },
    );
  };
  const counts = details.data?.counts;
  return (
    <Modal title={t("channelsAdmin.delete.title", { name: channel.name })} onClose={onClose}>
      <form onSubmit={submit}>
        <p className="text-sm text-slate-700">
          {counts ? t("channelsAdmin.delete.body", { name: channel.name, ...counts }) : details.isError ? t(reasonKey("unknown")) : t("channelsAdmin.loading")}
        </p>
        <ErrorLine text={error} />
        <DialogButtons submitLabel={t("channelsAdmin.delete.confirm")} pending={remove.isPending || !counts} onClose={onClose} danger />
      </form>
    </Modal>
  );
}
