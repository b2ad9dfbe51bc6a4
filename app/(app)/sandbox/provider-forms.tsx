"use client";
import { useActionState } from "react";
import type { MessageKey } from "~/server/i18n";
import type { SandboxPage } from "~/server/services/sandbox/messenger-sandbox";
import type { SandboxCommunity } from "~/server/services/sandbox/vk-sandbox";
import { useT } from "../../_components/providers";
import { createCommunity, messengerAction, sendAsVk, vkCommunityAction } from "./actions";
import { CustomerFields, TokenField } from "./sandbox-form";

const button = "self-start rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";
const secondary = "self-start rounded border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60";

/** A Messenger customer writes to a Page; the Page's bot passes the thread to the team or takes it back. */
export function MessengerSection({ pages }: { pages: SandboxPage[] }) {
  const t = useT();
  const [state, action, pending] = useActionState(messengerAction, null);
  if (pages.length === 0) return <p className="mt-2 text-sm text-slate-600">{t("sandbox.messenger.noPages")}</p>;
  const words = !state
    ? ""
    : !state.ok
      ? t("errors.generic")
      : state.outcome === "not_delivered"
        ? t("sandbox.messenger.sent.not_delivered")
        : state.what === "send"
          ? t("sandbox.messenger.sent.delivered")
          : t(state.what === "pass" ? "sandbox.messenger.passed" : "sandbox.messenger.taken");
  return (
    <div className="mt-3 grid gap-4 md:grid-cols-2">
      <form action={action} className="flex flex-col gap-3">
        <CustomerFields selectLabel={t("sandbox.messenger.page")} channels={pages} defaultName="Maria Lopez" textRequired={false} rows={2} />
        <div className="flex flex-wrap gap-2">
          <button type="submit" name="what" value="send" disabled={pending} className={button}>
            {t("sandbox.messenger.send")}
          </button>
          <button type="submit" name="what" value="pass" disabled={pending} className={secondary}>
            {t("sandbox.messenger.pass")}
          </button>
          <button type="submit" name="what" value="take" disabled={pending} className={secondary}>
            {t("sandbox.messenger.take")}
          </button>
        </div>
        <p role="status" className={`text-sm ${state?.ok && state.outcome === "delivered" ? "text-green-800" : "text-amber-800"}`} data-testid="sandbox-messenger-result">
          {words}
        </p>
      </form>
      <div className="space-y-3 text-sm">
        {pages.map((p) => (
          <div key={p.id}>
            <h3 className="font-medium">{t("sandbox.messenger.threads", { page: p.name })}</h3>
            <ul className="mt-1 space-y-1" data-testid="sandbox-messenger-threads">
              {p.threads.map((th) => (
                <li key={th.name} className="rounded bg-slate-50 px-3 py-1">
                  {t(th.handler === "bot" ? "sandbox.messenger.handler.bot" : "sandbox.messenger.handler.humans", { name: th.name })}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </div>
  );
}

/** Write as a VK user to one of the company's communities. */
export function VkWriteForm({ channels }: { channels: { id: string; name: string; status: string }[] }) {
  const t = useT();
  const [state, action, pending] = useActionState(sendAsVk, null);
  if (channels.length === 0) return <p className="mt-2 text-sm text-slate-600">{t("sandbox.vk.noChannels")}</p>;
  return (
    <form action={action} className="mt-3 flex flex-col gap-3">
      <CustomerFields selectLabel={t("sandbox.vk.community")} channels={channels} defaultName="Pavel Sokolov" />
      <button type="submit" disabled={pending} className={button}>
        {t("sandbox.send")}
      </button>
      <p role="status" className={`text-sm ${state?.ok && state.outcome === "delivered" ? "text-green-800" : "text-amber-800"}`} data-testid="sandbox-vk-send-result">
        {!state ? "" : !state.ok ? t("errors.generic") : t(`sandbox.vk.sent.${state.outcome}` as MessageKey)}
      </p>
    </form>
  );
}

/** VK's side (admins): each community's ID, key and confirmation string; Confirm, break and restore a connected one. */
export function VkCommunities({ communities }: { communities: SandboxCommunity[] }) {
  const t = useT();
  const [created, create, creating] = useActionState(createCommunity, null);
  return (
    <div className="mt-3 space-y-3">
      {communities.length === 0 ? (
        <p className="text-sm text-slate-600">{t("sandbox.vk.empty")}</p>
      ) : (
        <ul className="space-y-2" data-testid="sandbox-communities">
          {communities.map((c) => (
            <Community key={c.id} community={c} />
          ))}
        </ul>
      )}
      <form action={create} className="flex flex-col gap-2">
        <button type="submit" disabled={creating} className={button}>
          {t("sandbox.vk.create")}
        </button>
        <p role="status" className="text-sm">
          {created?.ok === false && <span className="text-red-700">{t("errors.generic")}</span>}
          {created?.ok && t("sandbox.vk.created", { name: created.name, id: created.id })}
        </p>
      </form>
    </div>
  );
}

function Community({ community: c }: { community: SandboxCommunity }) {
  const t = useT();
  const [state, action, pending] = useActionState(vkCommunityAction, null);
  const server = c.channel ? (c.channel.server ?? "none") : null;
  const result = !state
    ? ""
    : !state.ok
      ? t("errors.generic")
      : state.how === "confirm"
        ? t(state.server === "ok" ? "sandbox.vk.confirmed.ok" : state.server === "failed" ? "sandbox.vk.confirmed.failed" : "sandbox.vk.confirmed.other")
        : t(state.how === "server_off" ? "sandbox.vk.serverWasOff" : "sandbox.vk.keyRevoked");
  return (
    <li className="rounded border border-slate-200 p-3 text-sm" data-testid="sandbox-community">
      <p className="font-medium">{c.name}</p>
      <p className="text-xs text-slate-600">
        {c.channel ? t("sandbox.vk.connectedAs", { channel: c.channel.name, status: t(`channel.status.${c.channel.status}` as MessageKey) }) : t("sandbox.vk.notConnected")}
      </p>
      {server && <p className="text-xs text-slate-600">{t(`sandbox.vk.server.${server}` as MessageKey)}</p>}
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        <TokenField label={t("sandbox.vk.communityId")} value={c.id} />
        <TokenField label={t("sandbox.vk.confirmationCode")} value={c.confirmationCode} />
      </div>
      <div className="mt-2">{c.token ? <TokenField label={t("sandbox.vk.key", { name: c.name })} value={c.token} /> : <p className="text-xs text-amber-800">{t("sandbox.vk.keyDeleted")}</p>}</div>
      {c.channel?.tokenIsOld && <p className="mt-1 text-xs font-medium text-amber-800">{t("sandbox.vk.newKey")}</p>}
      {c.channel && (
        <form action={action} className="mt-2 flex flex-col gap-2">
          <input type="hidden" name="channelId" value={c.channel.id} />
          <div className="flex flex-wrap gap-2">
            <button type="submit" name="how" value="confirm" disabled={pending} className={button}>
              {t("sandbox.vk.confirm")}
            </button>
            <button type="submit" name="how" value="server_off" disabled={pending} className={secondary}>
              {t("sandbox.vk.serverOff")}
            </button>
            <button type="submit" name="how" value="revoke_key" disabled={pending} className={secondary}>
              {t("sandbox.vk.revokeKey")}
            </button>
          </div>
          <p role="status" className="text-sm" data-testid="sandbox-community-result">
            {result}
          </p>
        </form>
      )}
    </li>
  );
}
