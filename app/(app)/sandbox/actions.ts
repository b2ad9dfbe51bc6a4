"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { sendAsTelegramCustomer } from "~/server/services/sandbox/telegram-sandbox";

const input = z.object({ channelId: z.uuid(), name: z.string().trim().min(1).max(100), text: z.string().trim().min(1).max(4096) });

export async function sendAsCustomer(_prev: { ok: boolean } | null, form: FormData): Promise<{ ok: boolean }> {
  const user = await getSessionUser();
  const parsed = input.safeParse({ channelId: form.get("channelId"), name: form.get("name"), text: form.get("text") });
  if (!user || !parsed.success) return { ok: false };
  await sendAsTelegramCustomer({ ctx: { db, companyId: user.companyId, actor: { kind: "user", userId: user.id, role: user.role } }, input: parsed.data });
  revalidatePath("/sandbox");
  return { ok: true };
}
