import { randomInt } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { postCommitJobs } from "../../../db/schema";
import { postTelegram, webhookCompany } from "../../testing/webhooks";
import { sweepPostCommitJobs } from "./post-commit-jobs";

describe("post-commit work is a durable job", () => {
  it("a realtime publish that fails is kept and retried with backoff, then dropped as stale", async () => {
    const hc = await webhookCompany();
    const chat = { id: randomInt(1, 2 ** 40), type: "private", first_name: "Ann" };
    const u = randomInt(1, 2 ** 40);
    // The tests' Pusher endpoint refuses every publish.
    await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, JSON.stringify({ update_id: u, message: { message_id: u, date: 1_767_225_600, chat, text: "hi" } }))).after?.();
    const jobs = () => db.select().from(postCommitJobs).where(eq(postCommitJobs.companyId, hc.co.companyId));
    const [job] = await jobs();
    expect(job).toMatchObject({ name: "publish-realtime", attempts: 1, lastError: "PusherRequestError", failedAt: null });
    expect(job!.payload.events).toEqual([
      { name: "conversation.created", data: { conversationId: expect.any(String), lineId: hc.co.lineIds[0], teamId: expect.any(String), assigneeId: null } },
      { name: "message.created", data: { conversationId: expect.any(String), messageId: expect.any(String), assigneeId: null } },
    ]);
    expect(job!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    await db.update(postCommitJobs).set({ nextAttemptAt: sql`now()` }).where(eq(postCommitJobs.id, job!.id));
    expect(await sweepPostCommitJobs(10_000)).toBeGreaterThanOrEqual(1);
    expect((await jobs())[0]).toMatchObject({ attempts: 2 });
    await db.update(postCommitJobs).set({ nextAttemptAt: sql`now()` }).where(eq(postCommitJobs.id, job!.id));
    await sweepPostCommitJobs(10_000);
    expect(await jobs()).toHaveLength(0);
  });
});
