"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";
import { initialLine, LinePicker, type LineValue } from "./line-picker";
import { buttonPrimary, buttonSecondary, cardClass, inputClass, useErrorWords } from "./shared";

/**
 * Connect a Telegram bot (F6, seed 001): paste the BotFather token → Telegram says whose it is → choose a line →
 * the webhook is registered and verified → the bot's Details page, Active. Every refusal is in words. The token
 * goes to the server and never comes back.
 */
export function ConnectTelegram() {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const errorWords = useErrorWords();
  const choices = useQuery(trpc.channels.lineChoices.queryOptions());
  const [token, setToken] = useState("");
  const [line, setLine] = useState<LineValue | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Another program's webhook: the admin confirms taking the bot's updates from it before "Connect bot".
  const [takeOver, setTakeOver] = useState(false);
  const check = useMutation(trpc.channels.checkTelegramToken.mutationOptions());
  const connect = useMutation(trpc.channels.connectTelegram.mutationOptions());
  const limit = choices.data?.telegramBotLimit ?? 5;
  const bot = check.data;
  const lineValue = line ?? (choices.data ? initialLine(choices.data.lines, true) : null);
  const words = (e: unknown) => errorWords(e, { limit });

  const onCheck = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    check.mutate(
      { token: token.trim() },
      {
        onSuccess: () => setError(null),
        onError: (err) => setError(words(err)),
      },
    );
  };
  const onConnect = (e: FormEvent) => {
    e.preventDefault();
    if (!lineValue) return;
    setError(null);
    connect.mutate(
      { token: token.trim(), line: lineValue, ...(bot?.webhookElsewhere ? { takeOver } : {}) },
      {
        onSuccess: (result) => {
          void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
          router.push(`/settings/channels/${result.channelId}`);
        },
        onError: (err) => {
          setError(words(err));
          void choices.refetch();
        },
      },
    );
  };
  const reset = () => {
    check.reset();
    setTakeOver(false);
    setToken("");
    setError(null);
  };

  return (
    <section aria-labelledby="connect-telegram-heading" className={`${cardClass} max-w-2xl space-y-4 p-4`}>
      <Link href="/settings/channels" className="inline-block text-sm text-brand-600 underline">
        ← {t("channelsAdmin.back")}
      </Link>
      <h2 id="connect-telegram-heading" className="text-lg font-semibold">
        {t("channelsAdmin.tg.title")}
      </h2>
      <p className="text-sm text-slate-700">{t("channelsAdmin.tg.intro")}</p>
      {choices.data && <p className="text-sm text-slate-600">{t("channelsAdmin.tg.usage", { count: choices.data.telegramBots, limit })}</p>}

      <form onSubmit={onCheck} className="space-y-2">
        <label className="block text-sm font-medium">
          {t("channelsAdmin.tg.token")}
          <input
            type="password"
            className={`mt-1 font-mono ${inputClass}`}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            required
            readOnly={Boolean(bot)}
            aria-describedby="tg-token-hint"
          />
        </label>
        <p id="tg-token-hint" className="text-xs text-slate-600">
          {t("channelsAdmin.tg.tokenHint")}
        </p>
        {bot ? (
          <button type="button" className={buttonSecondary} onClick={reset}>
            {t("channelsAdmin.tg.otherToken")}
          </button>
        ) : (
          <button type="submit" className={buttonPrimary} disabled={check.isPending || !token.trim()}>
            {check.isPending ? t("channelsAdmin.tg.checking") : t("channelsAdmin.tg.check")}
          </button>
        )}
      </form>

      <div role="status" aria-live="polite">
        {bot && (
          <div className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900" data-testid="telegram-bot">
            <p className="font-medium">{t("channelsAdmin.tg.bot", { name: bot.name, username: bot.username })}</p>
            <p>{t("channelsAdmin.tg.client", { name: bot.name })}</p>
          </div>
        )}
        {connect.isPending && <p className="text-sm text-slate-700">{t("channelsAdmin.tg.connecting")}</p>}
      </div>
      <div role="alert" data-testid="connect-error">{error && <p className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">{error}</p>}</div>

      {bot && lineValue && choices.data && (
        <form onSubmit={onConnect} className="space-y-3">
          {bot.webhookElsewhere && (
            <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="telegram-webhook-elsewhere">
              <p className="font-medium">{t("channelsAdmin.tg.elsewhere.title", { host: bot.webhookElsewhere })}</p>
              <p className="mt-1">{t("channelsAdmin.tg.elsewhere.body", { host: bot.webhookElsewhere })}</p>
              <label className="mt-2 flex items-start gap-2 font-medium">
                <input type="checkbox" className="mt-0.5" checked={takeOver} onChange={(e) => setTakeOver(e.target.checked)} />
                <span className="min-w-0 break-words">{t("channelsAdmin.tg.elsewhere.confirm", { host: bot.webhookElsewhere })}</span>
              </label>
            </div>
          )}
          <LinePicker lines={choices.data.lines} value={lineValue} onChange={setLine} oneBotPerLine />
          <button
            type="submit"
            className={buttonPrimary}
            disabled={connect.isPending || (lineValue.kind === "new" && !lineValue.name.trim()) || (Boolean(bot.webhookElsewhere) && !takeOver)}
          >
            {connect.isPending ? t("channelsAdmin.tg.connecting") : t("channelsAdmin.tg.connect")}
          </button>
        </form>
      )}
    </section>
  );
}
