"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { breakSandboxBot, sendAsTelegramCustomer, type SandboxDelivery } from "~/server/services/sandbox/telegram-sandbox";

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
