import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { captureLogs, logger } from "../log";
import { processInboundEvent } from "../services/events/process-inbound-event";
import { storeInboundEvent } from "../ingest/store-event";
import { postMeta, postTelegram, postVk, webhookCompany } from "../testing/webhooks";

let stop: (() => void) | undefined;
afterEach(() => stop?.());

/** Every line written while `run` runs, from debug up. */
async function logsOf(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  stop = captureLogs((line) => lines.push(line));
  try {
    await run();
  } finally {
    stop();
    stop = undefined;
  }
  return lines.join("");
}

describe("logs carry codes, ids and sizes only", () => {
  it("ingest paths, rejections and a database error leave no customer text, name or token in the logs", async () => {
    const hc = await webhookCompany();
    const marker = randomBytes(6).toString("hex");
    const text = `my card is 4111 1111 1111 ${marker}`;
    const name = `Zinaida${marker}`;
    const token = `tok${marker}`;
    const tg = (updateId: number) => JSON.stringify({ update_id: updateId, message: { message_id: updateId, date: 1_700_000_000, chat: { id: randomInt(1, 2 ** 40), type: "private", first_name: name }, from: { id: 1, first_name: name }, text } });

    const output = await logsOf(async () => {
      // Accepted, processed, redelivered.
      const first = tg(randomInt(1, 2 ** 40));
      await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, first)).after?.();
      await postTelegram(hc.telegram.channelId, hc.telegram.secret, first);
      // Rejected: a wrong secret carrying the token, malformed JSON quoting the text.
      await postTelegram(hc.telegram.channelId, token, first);
      await postTelegram(hc.telegram.channelId, hc.telegram.secret, `{"update_id":1,"message":"${text}`);
      // Kept raw: a \u0000 next to the customer's text.
      await postTelegram(hc.telegram.channelId, hc.telegram.secret, tg(randomInt(1, 2 ** 40)).replace(marker, `${marker}\\u0000`));
      // Meta: an unknown Page and a forged signature.
      const meta = JSON.stringify({ object: "page", entry: [{ id: "1", time: 1, messaging: [{ sender: { id: "2" }, recipient: { id: "1" }, timestamp: 1, message: { mid: `m.${marker}`, text } }] }] });
      await postMeta(meta, true);
      await postMeta(meta, `sha256=${"0".repeat(64)}`);
      // VK: a wrong secret and a notification with the customer's text.
      await postVk(hc.vk.channelId, JSON.stringify({ type: "message_new", group_id: hc.vk.groupId, event_id: marker, secret: token, object: { message: { id: 1, date: 1, peer_id: 5, from_id: 5, text } } }));
      await (await postVk(hc.vk.channelId, JSON.stringify({ type: "message_new", group_id: hc.vk.groupId, event_id: `e${marker}`, secret: hc.vk.secret, object: { message: { id: 1, date: 1, peer_id: 5, from_id: 5, text } } }))).after?.();

      // A database error whose query parameters hold the customer's text and name: a channel that does not exist.
      const ghost = { id: randomUUID(), companyId: randomUUID(), provider: "telegram", externalId: "1" } as unknown as Parameters<typeof storeInboundEvent>[0];
      const failed = await storeInboundEvent(ghost, { dedupeKey: `1:${marker}`, eventType: "message", payload: { message: { text, from: { first_name: name } } }, raw: Buffer.from(text) });
      expect(failed.ok).toBe(false);
      // Processing that fails on the database: an event id that is not a uuid.
      await processInboundEvent("not-a-uuid").catch(() => undefined);
      // Fields a careless caller might pass are redacted by the logger itself.
      logger.info("test.careless", { text, name, token, payload: { text }, authorization: `Bearer ${token}`, query: { q: text } });
    });

    expect(output).toContain("webhook.store_failed");
    expect(output).toContain('"code":"23503"');
    expect(output).toContain("webhook.rejected");
    expect(output).toContain("[redacted]");
    expect(output).not.toContain(marker);
    expect(output).not.toContain("4111");
    expect(output).not.toContain("Zinaida");
    expect(output).not.toContain(hc.telegram.secret);
    expect(output).not.toContain(hc.vk.secret);
    // Every line is one JSON object with an event name.
    for (const line of output.trim().split("\n")) expect(JSON.parse(line)).toMatchObject({ event: expect.any(String), level: expect.any(String) });
  });
});
