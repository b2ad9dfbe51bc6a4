import type { Attachment } from "../../../db/schema";
import { env } from "../../env.js";
import { ATTACHMENT_LIMITS } from "../limits";
import type { ChannelAdapter, FetchedFile, SendContext, SendResult } from "../types";
import { callBotApi, downloadBotFile, TelegramApiError } from "./api";
import { classifyTelegramError } from "./classify";
import { probeTelegramHealth } from "./health";
import { parseTelegramUpdate } from "./parse";
import type { TelegramCredentials } from "./credentials";

type SentMessage = { message_id: number; chat: { id: number } };
const CAPTION_LIMIT = 1024;

async function sendAttachment(ctx: SendContext<TelegramCredentials>, attachment: Attachment, caption: string | undefined): Promise<SentMessage> {
  const file = attachment.fileId ? await ctx.loadFile(attachment.fileId) : undefined;
  if (!file) throw new TelegramApiError({ description: "attachment file is missing" });
  const asPhoto = attachment.kind === "image";
  const form = new FormData();
  form.set("chat_id", ctx.contactExternalId);
  form.set(asPhoto ? "photo" : "document", new Blob([new Uint8Array(file.data)], { type: file.mimeType }), file.name);
  if (caption) form.set("caption", caption);
  return callBotApi<SentMessage>(ctx.credentials.botToken, asPhoto ? "sendPhoto" : "sendDocument", form);
}

/**
 * Text goes with sendMessage; attachments with sendPhoto / sendDocument (the first one carries the text as
 * its caption when it fits). F7's outbound limits are checked before any upload.
 */
async function send(ctx: SendContext<TelegramCredentials>, message: { text: string; attachments: Attachment[] }): Promise<SentMessage[]> {
  for (const a of message.attachments) {
    const limit = a.kind === "image" ? ATTACHMENT_LIMITS.outbound.image : ATTACHMENT_LIMITS.outbound.file;
    if ((a.sizeBytes ?? 0) > limit) throw new TelegramApiError({ code: "attachment_too_large", description: `attachment over ${limit} bytes` });
  }
  const captionFits = message.text.length <= CAPTION_LIMIT;
  const sent: SentMessage[] = [];
  if (message.text && (message.attachments.length === 0 || !captionFits)) {
    sent.push(await callBotApi<SentMessage>(ctx.credentials.botToken, "sendMessage", { chat_id: ctx.contactExternalId, text: message.text }, env().SEND_TIMEOUT_MS));
  }
  for (const [i, a] of message.attachments.entries()) {
    sent.push(await sendAttachment(ctx, a, i === 0 && captionFits && message.text ? message.text : undefined));
  }
  if (sent.length === 0) throw new TelegramApiError({ description: "nothing to send" });
  return sent;
}

async function fetchAttachment(credentials: TelegramCredentials, attachment: Attachment): Promise<FetchedFile> {
  if (!attachment.providerRef || (attachment.kind !== "image" && attachment.kind !== "file")) return { ok: false, note: "fetch_failed" };
  const limit = ATTACHMENT_LIMITS.inbound[attachment.kind];
  try {
    const file = await callBotApi<{ file_path?: string; file_size?: number }>(credentials.botToken, "getFile", { file_id: attachment.providerRef });
    if ((file.file_size ?? 0) > limit) return { ok: false, note: "too_large" };
    if (!file.file_path) return { ok: false, note: "fetch_failed" };
    return { ok: true, body: await downloadBotFile(credentials.botToken, file.file_path, limit), name: attachment.name ?? file.file_path.split("/").pop(), mimeType: attachment.mimeType };
  } catch (error) {
    if (error instanceof TelegramApiError && error.providerError.description === "file larger than the limit") return { ok: false, note: "too_large" };
    return { ok: false, note: "fetch_failed" };
  }
}

export function telegramAdapter(botId: string): ChannelAdapter<TelegramCredentials> {
  return {
    provider: "telegram",
    parseEvent: (payload, ctx) => parseTelegramUpdate(payload, botId, ctx),
    classifyError: classifyTelegramError,
    fetchAttachment,
    probeHealth: probeTelegramHealth,
    async send(ctx, message): Promise<SendResult> {
      try {
        const ids = (await send(ctx, message)).map((m) => `${m.chat.id}:${m.message_id}`);
        return { ok: true, providerMessageId: ids.at(-1)!, partMessageIds: ids };
      } catch (error) {
        if (error instanceof TelegramApiError) return { ok: false, error: classifyTelegramError(error.providerError) };
        throw error;
      }
    },
  };
}
