import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { vkFake } from "../../testing/setup";
import { vkAdapter } from "./adapter";
import { probeVkHealth } from "./health";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../e2e/fixtures/vk/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

// The fixtures' community and the callback address in response_groups_getCallbackServers_failed.json.
const GROUP_ID = "229876543";
const WEBHOOK_URL = "https://inbox.example.com/api/webhooks/vk/229876543";
const TOKEN = "vk1.a.fake_health_probe_token";
const credentials = { accessToken: TOKEN, secret: "Fake_Callback_Secret_2026" };
const probe = (webhookUrl = WEBHOOK_URL, externalId = GROUP_ID) => probeVkHealth(credentials, { externalId, webhookUrl, now: new Date() });
const calls = () => vkFake.calls.filter((c) => c.token === TOKEN);
const server = (status: "unconfigured" | "failed" | "wait" | "ok", url = WEBHOOK_URL, id = 3) => ({ id, title: "inbox-prod", creator_id: 999000111, url, secret_key: "Fake_Callback_Secret_2026", status });

describe("probeVkHealth (groups.getById, then groups.getCallbackServers)", () => {
  // A scripted answer a failing test did not consume must not leak into the next one.
  afterEach(() => vkFake.reset());

  it("response_groups_getById_ok.json and our server with status ok: healthy, the community as the account", async () => {
    vkFake.enqueue("groups.getById", fixture("response_groups_getById_ok.json"));
    vkFake.callbackServers.push(server("ok", "https://elsewhere.example.com/vk", 2), server("ok"));
    const report = await probe();
    expect(report).toEqual({ status: "healthy", account: { id: "229876543", name: "Acme Store (test)", username: "acme_store_test" } });
    expect(calls().map((c) => [c.method, c.params.group_id])).toEqual([
      ["groups.getById", undefined],
      ["groups.getCallbackServers", GROUP_ID],
    ]);
    // The adapter offers the same probe.
    expect(await vkAdapter({ externalId: GROUP_ID }).probeHealth!(credentials, { externalId: GROUP_ID, webhookUrl: WEBHOOK_URL, now: new Date() })).toMatchObject({ status: "healthy" });
  });

  it("response_groups_getCallbackServers_failed.json: connection_lost callback_failed (VK stopped sending — inferred)", async () => {
    vkFake.enqueue("groups.getById", fixture("response_groups_getById_ok.json"));
    vkFake.enqueue("groups.getCallbackServers", fixture("response_groups_getCallbackServers_failed.json"));
    const report = await probe();
    expect(report).toMatchObject({ status: "connection_lost", reason: "callback_failed" });
    if (report.status === "healthy") throw new Error("unreachable");
    expect(report.providerError.description).toBe('callback server 3 "inbox-prod" has status failed');
    // The server's secret is never reported.
    expect(JSON.stringify(report)).not.toContain("Fake_Callback_Secret_2026");
  });

  it("response_groups_getCallbackServers_failed.json for another address: connection_lost callback_missing", async () => {
    vkFake.enqueue("groups.getCallbackServers", fixture("response_groups_getCallbackServers_failed.json"));
    expect(await probe("https://inbox.example.com/api/webhooks/vk/another-channel")).toMatchObject({ status: "connection_lost", reason: "callback_missing" });
  });

  it("no callback servers at all: connection_lost callback_missing", async () => {
    expect(await probe()).toMatchObject({ status: "connection_lost", reason: "callback_missing" });
  });

  it.each(["unconfigured", "wait"] as const)("status %s: degraded callback_missing", async (status) => {
    vkFake.callbackServers.push(server(status));
    expect(await probe()).toMatchObject({ status: "degraded", reason: "callback_missing", providerError: { description: `callback server 3 "inbox-prod" has status ${status}` } });
  });

  it("error_5_user_authorization_failed.json on groups.getById: connection_lost token_revoked, no further call", async () => {
    vkFake.enqueue("groups.getById", fixture("error_5_user_authorization_failed.json"));
    expect(await probe()).toMatchObject({ status: "connection_lost", reason: "token_revoked", providerError: { code: 5 } });
    expect(calls().map((c) => c.method)).toEqual(["groups.getById"]);
  });

  it("error_15_access_denied.json on groups.getCallbackServers: connection_lost permission_missing", async () => {
    vkFake.enqueue("groups.getCallbackServers", fixture("error_15_access_denied.json"));
    expect(await probe()).toMatchObject({ status: "connection_lost", reason: "permission_missing", providerError: { code: 15 } });
  });

  it("error_6_too_many_requests.json, or a gateway page: degraded retrying", async () => {
    vkFake.enqueue("groups.getById", fixture("error_6_too_many_requests.json"));
    expect(await probe()).toMatchObject({ status: "degraded", reason: "retrying", providerError: { code: 6 } });
    vkFake.enqueue("groups.getCallbackServers", "<html>Bad Gateway</html>", 502);
    expect(await probe()).toMatchObject({ status: "degraded", reason: "retrying", providerError: { httpStatus: 502 } });
  });

  it("a key of another community: connection_lost permission_missing, before any callback check", async () => {
    vkFake.callbackServers.push(server("ok"));
    const report = await probe(WEBHOOK_URL, "111");
    expect(report).toMatchObject({ status: "connection_lost", reason: "permission_missing" });
    expect(calls().map((c) => c.method)).toEqual(["groups.getById"]);
  });
});
