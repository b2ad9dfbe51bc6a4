"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { sandboxHandover, sendAsMessengerCustomer, type MessengerSandboxDelivery } from "~/server/services/sandbox/messenger-sandbox";
import { breakSandboxBot, createSandboxBot, sendAsTelegramCustomer, type SandboxDelivery } from "~/server/services/sandbox/telegram-sandbox";
import { breakSandboxCommunity, confirmSandboxCommunity, createSandboxCommunity, sendAsVkCustomer, type VkSandboxDelivery } from "~/server/services/sandbox/vk-sandbox";

const input = z.object({ channelId: z.uuid(), name: z.string().trim().min(1).max(100), text: z.string().trim().min(1).max(4096) });
const breakInput = z.object({ channelId: z.uuid(), how: z.enum(["revoke", "take_webhook"]) });

export type SendState = { ok: true; outcome: SandboxDelivery } | { ok: false } | null;
export type BreakState = { ok: true; how: "revoke" | "take_webhook"; newToken?: string } | { ok: false } | null;

export async function sendAsCustomer(_prev: SendState, form: FormData): Promise<SendState> {
  const user = await getSessionUser();
  const parsed = input.safeParse({ channelId: form.get("channelId"), name: form.get("name"), text: form.get("text") });
  if (!user || !parsed.success) return { ok: false };
  const outcome = await sendAsTelegramCustomer({ ctx: { db, companyId: user.companyId, actor: { kind: "user", userId: user.id, role: user.role } }, input: parsed.data });
  revalidatePath("/sandbox");
  return { ok: true, outcome };
}

/** Admins break a bot in the sandbox as Telegram would: revoke its token, or let another program take its webhook. */
export async function breakBot(_prev: BreakState, form: FormData): Promise<BreakState> {
  const user = await getSessionUser();
  const parsed = breakInput.safeParse({ channelId: form.get("channelId"), how: form.get("how") });
  if (!user || user.role !== "admin" || !parsed.success) return { ok: false };
  const result = await breakSandboxBot({ ctx: { db, companyId: user.companyId, actor: { kind: "user", userId: user.id, role: user.role } }, input: parsed.data });
  revalidatePath("/sandbox");
  return { ok: true, how: parsed.data.how, ...result };
}

const ctxOf = (user: { id: string; companyId: string; role: "admin" | "operator" }) => ({ db, companyId: user.companyId, actor: { kind: "user" as const, userId: user.id, role: user.role } });

export type CreateBotState = { ok: true; firstName: string; username: string } | { ok: false } | null;

/** The sandbox's BotFather /newbot (admins): a bot with a name of its own; its token is listed on the page. */
export async function createBot(): Promise<CreateBotState> {
  const user = await getSessionUser();
  if (!user || user.role !== "admin") return { ok: false };
  const bot = await createSandboxBot({ ctx: ctxOf(user) });
  revalidatePath("/sandbox");
  return { ok: true, firstName: bot.firstName, username: bot.username };
}

export type CommunityState = { ok: true; id: string; name: string } | { ok: false } | null;

/** A new VK community with its key (admins), to connect in Settings → Channels. */
export async function createCommunity(): Promise<CommunityState> {
  const user = await getSessionUser();
  if (!user || user.role !== "admin") return { ok: false };
  const community = await createSandboxCommunity({ ctx: ctxOf(user) });
  revalidatePath("/sandbox");
  return { ok: true, ...community };
}

const vkInput = z.object({ channelId: z.uuid(), how: z.enum(["confirm", "server_off", "revoke_key"]) });
export type VkActionState = { ok: true; how: "confirm"; server: string } | { ok: true; how: "server_off" | "revoke_key" } | { ok: false } | null;

/** VK's side of a community (admins): "Confirm" on the Callback API tab, VK stopping its sends, or the key deleted. */
export async function vkCommunityAction(_prev: VkActionState, form: FormData): Promise<VkActionState> {
  const user = await getSessionUser();
  const parsed = vkInput.safeParse({ channelId: form.get("channelId"), how: form.get("how") });
  if (!user || user.role !== "admin" || !parsed.success) return { ok: false };
  const ctx = ctxOf(user);
  const { channelId, how } = parsed.data;
  try {
    if (how === "confirm") {
      const { server } = await confirmSandboxCommunity({ ctx, input: { channelId } });
      return { ok: true, how, server };
    }
    await breakSandboxCommunity({ ctx, input: { channelId, how } });
    return { ok: true, how };
  } finally {
    revalidatePath("/sandbox");
  }
}

export type VkSendState = { ok: true; outcome: VkSandboxDelivery } | { ok: false } | null;

export async function sendAsVk(_prev: VkSendState, form: FormData): Promise<VkSendState> {
  const user = await getSessionUser();
  const parsed = input.safeParse({ channelId: form.get("channelId"), name: form.get("name"), text: form.get("text") });
  if (!user || !parsed.success) return { ok: false };
  const outcome = await sendAsVkCustomer({ ctx: ctxOf(user), input: parsed.data });
  revalidatePath("/sandbox");
  return { ok: true, outcome };
}

export type MessengerState = { ok: true; what: "send"; outcome: MessengerSandboxDelivery } | { ok: true; what: "pass" | "take"; outcome: MessengerSandboxDelivery } | { ok: false } | null;

/** A Messenger customer writes, or the Page's bot passes the thread to the team / takes it back. */
export async function messengerAction(_prev: MessengerState, form: FormData): Promise<MessengerState> {
  const user = await getSessionUser();
  const what = z.enum(["send", "pass", "take"]).safeParse(form.get("what"));
  const base = z.object({ channelId: z.uuid(), name: z.string().trim().min(1).max(100) }).safeParse({ channelId: form.get("channelId"), name: form.get("name") });
  if (!user || !what.success || !base.success) return { ok: false };
  const ctx = ctxOf(user);
  if (what.data === "send") {
    const text = z.string().trim().min(1).max(2000).safeParse(form.get("text"));
    if (!text.success) return { ok: false };
    const outcome = await sendAsMessengerCustomer({ ctx, input: { ...base.data, text: text.data } });
    revalidatePath("/sandbox");
    return { ok: true, what: "send", outcome };
  }
  const outcome = await sandboxHandover({ ctx, input: { ...base.data, to: what.data === "pass" ? "us" : "bot" } });
  revalidatePath("/sandbox");
  return { ok: true, what: what.data, outcome };
}
