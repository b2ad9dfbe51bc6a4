import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { telegramFake } from "../../testing/setup";
import { callBotApi } from "./api";
import { telegramAdapter } from "./adapter";
import { probeTelegramHealth } from "./health";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../e2e/fixtures/telegram/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

// The fixtures' webhook address (response_getWebhookInfo_failing.json) and its last_error_date, 2026-01-01T01:00:00Z.
const WEBHOOK_URL = "https://inbox.example.com/api/webhooks/telegram/7000000001";
const LAST_ERROR_AT = 1767229200 * 1000;
/**
 * A token whose bot id is not the fixtures' 7000000001: the fake's own getMe answers with the token's id, so an
 * account id of 7000000001 shows the fixture answered.
 */
const TOKEN = "7000000999:AAFakeTokenForHealthProbes";
const credentials = { botToken: TOKEN, webhookSecret: "s" };
const probe = (now: Date, webhookUrl = WEBHOOK_URL) => probeTelegramHealth(credentials, { externalId: "7000000999", webhookUrl, now });
const methods = () => telegramFake.calls.filter((c) => c.token === TOKEN).map((c) => c.method);

describe("probeTelegramHealth (getMe, then getWebhookInfo)", () => {
  // A scripted answer a failing test did not consume must not leak into the next one.
  afterEach(() => telegramFake.reset());

  it("healthy: our webhook is set and has no recent error; the account comes from getMe", async () => {
    await callBotApi(TOKEN, "setWebhook", { url: WEBHOOK_URL, secret_token: "s" });
    const report = await probe(new Date());
    expect(report).toEqual({ status: "healthy", account: { id: "7000000999", name: "Acme Support", username: "AcmeSupportBot" }, pendingUpdates: 0 });
    expect(methods()).toEqual(["setWebhook", "getMe", "getWebhookInfo"]);
    // The adapter offers the same probe.
    expect(await telegramAdapter("7000000999").probeHealth!(credentials, { externalId: "7000000999", webhookUrl: WEBHOOK_URL, now: new Date() })).toMatchObject({ status: "healthy" });
  });

  it("response_getMe_ok.json + response_getWebhookInfo_failing.json an hour and a half after the error: healthy, with the backlog", async () => {
    telegramFake.enqueue("getMe", 200, fixture("response_getMe_ok.json"));
    telegramFake.enqueue("getWebhookInfo", 200, fixture("response_getWebhookInfo_failing.json"));
    // last_error_* stays after deliveries recover (only setWebhook/deleteWebhook clear it): an old error is history.
    const report = await probe(new Date(LAST_ERROR_AT + 90 * 60_000));
    expect(report).toEqual({ status: "healthy", account: { id: "7000000001", name: "Acme Support", username: "AcmeSupportBot" }, pendingUpdates: 37 });
  });

  it("response_getWebhookInfo_failing.json ten minutes after the error: degraded webhook_failing, with the error text and the backlog", async () => {
    telegramFake.enqueue("getMe", 200, fixture("response_getMe_ok.json"));
    telegramFake.enqueue("getWebhookInfo", 200, fixture("response_getWebhookInfo_failing.json"));
    const report = await probe(new Date(LAST_ERROR_AT + 10 * 60_000));
    expect(report).toMatchObject({ status: "degraded", reason: "webhook_failing", pendingUpdates: 37 });
    if (report.status === "healthy") throw new Error("unreachable");
    expect(report.providerError.description).toContain("Wrong response from the webhook: 502 Bad Gateway");
    expect(report.providerError.description).toContain("pending_update_count 37");
    expect(report.providerError.description).toContain("2026-01-01T01:00:00.000Z");
  });

  it("response_getWebhookInfo_removed.json: connection_lost webhook_removed (another program may poll this bot)", async () => {
    telegramFake.enqueue("getMe", 200, fixture("response_getMe_ok.json"));
    telegramFake.enqueue("getWebhookInfo", 200, fixture("response_getWebhookInfo_removed.json"));
    const report = await probe(new Date(LAST_ERROR_AT));
    expect(report).toMatchObject({ status: "connection_lost", reason: "webhook_removed", pendingUpdates: 12 });
  });

  it("no webhook set at all (the fake's own answer): connection_lost webhook_removed", async () => {
    expect(await probe(new Date())).toMatchObject({ status: "connection_lost", reason: "webhook_removed", pendingUpdates: 0 });
  });

  it("another address set with setWebhook: connection_lost webhook_replaced, naming only that address's origin", async () => {
    await callBotApi(TOKEN, "setWebhook", { url: "https://other-tool.example.org/hook/7000000999:SECRET" });
    const report = await probe(new Date());
    expect(report).toMatchObject({ status: "connection_lost", reason: "webhook_replaced", pendingUpdates: 0 });
    if (report.status === "healthy") throw new Error("unreachable");
    expect(report.providerError.description).toContain("https://other-tool.example.org");
    expect(report.providerError.description).not.toContain("SECRET");
    // The failing fixture's own address differs from the target too.
    telegramFake.enqueue("getWebhookInfo", 200, fixture("response_getWebhookInfo_failing.json"));
    expect(await probe(new Date(), "https://inbox.example.com/api/webhooks/telegram/other")).toMatchObject({ status: "connection_lost", reason: "webhook_replaced" });
  });

  it("error_401_unauthorized.json on getMe: connection_lost token_revoked, and getWebhookInfo is not asked", async () => {
    telegramFake.enqueue("getMe", 401, fixture("error_401_unauthorized.json"));
    const report = await probe(new Date());
    expect(report).toEqual({ status: "connection_lost", reason: "token_revoked", providerError: { httpStatus: 401, code: 401, description: "Unauthorized" } });
    expect(methods()).toEqual(["getMe"]);
  });

  it("a 5xx from getMe or getWebhookInfo: degraded retrying", async () => {
    telegramFake.enqueue("getMe", 502, { ok: false, error_code: 502, description: "Bad Gateway" });
    expect(await probe(new Date())).toMatchObject({ status: "degraded", reason: "retrying", providerError: { code: 502 } });
    telegramFake.enqueue("getWebhookInfo", 500, "<html>Internal Server Error</html>");
    expect(await probe(new Date())).toMatchObject({ status: "degraded", reason: "retrying", providerError: { httpStatus: 500 } });
  });
});
