import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { channels, inboundEvents } from "../../db/schema";
import { postTelegram, webhookCompany } from "../testing/webhooks";
import { metricsResponse } from "./endpoint";
import { readiness } from "./readiness";

const TOKEN = "metrics-token-for-tests-0123456789";
const production = { NODE_ENV: "production", METRICS_TOKEN: TOKEN };
const scrapeRequest = (authorization?: string) => new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} });

/** One scrape as Prometheus does it, parsed into `name{labels}` → value. */
async function scrape(): Promise<(series: string) => number> {
  const res = await metricsResponse(scrapeRequest(`Bearer ${TOKEN}`), production);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  const values = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) values.set(m[1]!, Number(m[2]));
  }
  return (series) => values.get(series) ?? 0;
}

const telegramUpdate = () => {
  const body = JSON.parse(readFileSync(new URL("../../e2e/fixtures/telegram/update_message_text.json", import.meta.url), "utf8")) as Record<string, unknown>;
  return JSON.stringify({ ...body, update_id: Math.floor(Math.random() * 1e9) });
};

describe("/api/metrics", () => {
  it("needs the bearer token; without a configured token it does not exist in production and is open in development", async () => {
    expect((await metricsResponse(scrapeRequest(), production)).status).toBe(401);
    expect((await metricsResponse(scrapeRequest("Bearer wrong-token-of-enough-length"), production)).status).toBe(401);
    expect((await metricsResponse(scrapeRequest(`Basic ${TOKEN}`), production)).status).toBe(401);
    expect((await metricsResponse(scrapeRequest(`Bearer ${TOKEN}`), production)).status).toBe(200);
    expect((await metricsResponse(scrapeRequest(`Bearer ${TOKEN}`), { NODE_ENV: "production" })).status).toBe(404);
    expect((await metricsResponse(scrapeRequest(), { NODE_ENV: "development" })).status).toBe(200);
  });

  it("webhook counters, the ingest backlog, dead letters, channels and probes move with what happens", async () => {
    const w = await webhookCompany();
    const before = await scrape();

    expect((await postTelegram(w.telegram.channelId, w.telegram.secret, telegramUpdate())).response.status).toBe(200);
    expect((await postTelegram(w.telegram.channelId, "not-the-secret", telegramUpdate())).response.status).toBe(401);

    const after = await scrape();
    expect(after('switchboard_webhook_requests_total{provider="telegram",status="200"}')).toBe(before('switchboard_webhook_requests_total{provider="telegram",status="200"}') + 1);
    expect(after('switchboard_webhook_requests_total{provider="telegram",status="401"}')).toBe(before('switchboard_webhook_requests_total{provider="telegram",status="401"}') + 1);
    // Stored, not processed yet (nothing runs the ingest worker here).
    expect(after("switchboard_ingest_backlog")).toBe(before("switchboard_ingest_backlog") + 1);
    expect(after("switchboard_ingest_oldest_unprocessed_seconds")).toBeGreaterThanOrEqual(0);
    expect(after("switchboard_metrics_database_up")).toBe(1);

    // Processing fails for good: a dead letter, out of the backlog.
    await db.update(inboundEvents).set({ status: "failed", failureReason: "test" }).where(eq(inboundEvents.channelId, w.telegram.channelId));
    // The bot's connection is lost (a failed probe), and the VK community is disconnected.
    await db.update(channels).set({ probeFailures: 2, lastProbeAt: new Date() }).where(eq(channels.id, w.telegram.channelId));
    await db.update(channels).set({ status: "disconnected" }).where(eq(channels.id, w.vk.channelId));

    const failed = await scrape();
    expect(failed("switchboard_ingest_dead_letters")).toBe(after("switchboard_ingest_dead_letters") + 1);
    expect(failed("switchboard_ingest_backlog")).toBe(after("switchboard_ingest_backlog") - 1);
    expect(failed('switchboard_channel_probes{result="failing"}')).toBe(after('switchboard_channel_probes{result="failing"}') + 1);
    expect(failed('switchboard_channels{status="disconnected"}')).toBe(after('switchboard_channels{status="disconnected"}') + 1);
    expect(failed('switchboard_channels{status="active"}')).toBe(after('switchboard_channels{status="active"}') - 1);
  });

  it("names no company, channel or person: every label is a fixed word or a status code", async () => {
    const w = await webhookCompany();
    await postTelegram(w.telegram.channelId, w.telegram.secret, telegramUpdate());
    const res = await metricsResponse(scrapeRequest(`Bearer ${TOKEN}`), production);
    const text = await res.text();
    expect(text).not.toContain(w.co.companyId);
    expect(text).not.toContain(w.telegram.channelId);
    const labels = [...text.matchAll(/^switchboard_(?!process_)[a-z_]+\{([^}]*)\}/gm)].flatMap((m) => m[1]!.split(","));
    for (const label of labels) expect(label).toMatch(/^(provider|status|result)="[a-z_0-9]+"$/);
  });
});

describe("/api/health/ready", () => {
  it("is ready on a reachable, migrated database", async () => {
    expect(await readiness()).toEqual({ ok: true, database: { reachable: true }, migrations: { pending: 0 } });
  });
});
