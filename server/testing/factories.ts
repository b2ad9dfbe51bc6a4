import { randomBytes } from "node:crypto";
import { db } from "../../db";
import { seedCompany } from "../../db/seed";
import { createContextFor } from "../api/trpc";
import { createCaller } from "../api/root";
import { TELEGRAM_SECRET_HEADER, handleTelegramWebhook } from "../webhooks/telegram";

/** A fresh company per test (documenso style): tests never share rows, so they need no cleanup. */
export async function seedTestCompany(name = "Test Co") {
  const slug = `t${randomBytes(6).toString("hex")}`;
  return seedCompany(db, { slug, name });
}

export function callerFor(user: { id: string; companyId: string; role: "admin" | "operator"; email?: string }) {
  return createCaller(createContextFor({ id: user.id, companyId: user.companyId, role: user.role, name: "Test", email: user.email ?? "" }));
}

/** Posts a Telegram update like Telegram does, then runs the after-acknowledgement processing. */
export async function postTelegramUpdate(channelId: string, secret: string | null, body: unknown | string, headers: Record<string, string> = {}) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const request = new Request(`http://localhost/api/webhooks/telegram/${channelId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret !== null ? { [TELEGRAM_SECRET_HEADER]: secret } : {}), ...headers },
    body: raw,
  });
  const outcome = await handleTelegramWebhook(channelId, request);
  await outcome.after?.();
  return outcome.response;
}
