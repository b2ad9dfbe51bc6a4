import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { savedMetaAppSecret, startMetaGraphFake } from "./meta-graph-fake";
import { startTelegramFake } from "./telegram-fake";
import { startVkFake } from "./vk-fake";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A webhook receiver that keeps every body it was sent, answering `answer` (VK wants text, Telegram any 200). */
async function receiver(answer: (body: string) => string = () => "ok"): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      bodies.push(raw);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(answer(raw));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`, bodies, server };
}

describe("the Meta sandbox across a restart", () => {
  it("keeps the tokens it issued, what was revoked, and its app secret, in the state file beside the data", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "meta-sandbox-"));
    dirs.push(dir);
    const stateFile = path.join(dir, "sandbox", "meta.json");
    const first = await startMetaGraphFake({ appId: "100000000000999", appSecret: "the-sandbox-secret", stateFile });
    first.world.addPage({ id: "P1", name: "Acme Store" });
    first.world.addProfile({ id: "alex", name: "Alex Admin", pages: { P1: ["MANAGE", "MESSAGING"] } });
    const userToken = first.world.issueUserToken("alex", true);
    const pageToken = first.world.pageTokenFor("alex", "P1");
    const oldToken = first.world.pageTokenFor(null, "P1");
    // A request through the fake (as the wizard's calls are) writes the state down.
    expect((await fetch(`${first.url}/v23.0/me?access_token=${userToken}`)).status).toBe(200);
    first.world.revoke(oldToken);
    expect((await fetch(`${first.url}/v23.0/me?access_token=${userToken}`)).status).toBe(200);
    await first.close();

    expect(savedMetaAppSecret(stateFile)).toBe("the-sandbox-secret");
    const second = await startMetaGraphFake({ appId: "100000000000999", appSecret: savedMetaAppSecret(stateFile)!, stateFile });
    try {
      second.world.addPage({ id: "P1", name: "Acme Store" });
      second.world.addProfile({ id: "alex", name: "Alex Admin", pages: { P1: ["MANAGE", "MESSAGING"] } });
      const me = await fetch(`${second.url}/v23.0/me?access_token=${userToken}`);
      expect(me.status).toBe(200);
      const send = await fetch(`${second.url}/v23.0/me/messages?access_token=${pageToken}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ recipient: { id: "psid-1" }, message: { text: "still works" } }),
      });
      expect(send.status).toBe(200);
      const refused = await fetch(`${second.url}/v23.0/me/messages?access_token=${oldToken}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ recipient: { id: "psid-1" }, message: { text: "no" } }),
      });
      expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(190);
    } finally {
      await second.close();
    }
  });
});

describe("the Telegram sandbox", () => {
  it("each token is its own bot: distinct names for unknown and new bots, and a registered bot keeps its name after a revoke", async () => {
    const fake = await startTelegramFake({ distinctNames: true });
    try {
      const getMe = async (token: string) => ((await (await fetch(`${fake.url}/bot${token}/getMe`)).json()) as { result: { first_name: string; username: string } }).result;
      const a = await getMe("7111111111:AAAA");
      const b = await getMe("7222222222:BBBB");
      expect(a.username).not.toBe(b.username);
      const created = [fake.createBot(), fake.createBot(), fake.createBot()];
      expect(new Set(created.map((c) => c.username)).size).toBe(3);
      for (const c of created) expect((await getMe(c.token!)).username).toBe(c.username);

      fake.bots.set("7000000002", { firstName: "Acme Help", username: "AcmeHelpBot" });
      const fresh = fake.revoke("7000000002:revoked");
      expect(fake.listBots().find((x) => x.id === "7000000002")).toMatchObject({ username: "AcmeHelpBot", token: fresh });
      expect(await getMe(fresh)).toMatchObject({ first_name: "Acme Help", username: "AcmeHelpBot" });
      // Another bot's name never leaks onto it.
      expect((await getMe(fresh)).username).not.toBe(a.username);
    } finally {
      await fake.close();
    }
  });

  it("a customer's quick messages reach the webhook numbered in the order they were written", async () => {
    const fake = await startTelegramFake({ distinctNames: true });
    const hook = await receiver();
    try {
      await fetch(`${fake.url}/bot7333333333:CCCC/setWebhook`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ url: hook.url, secret_token: "s" }) });
      for (let i = 1; i <= 6; i++) {
        const res = await fetch(`${fake.url}/__fake/write`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ botId: "7333333333", from: { id: 4242, first_name: "Ivan" }, text: `message ${i}` }),
        });
        expect(((await res.json()) as { outcome: string }).outcome).toBe("delivered");
      }
      const updates = hook.bodies.map((b) => JSON.parse(b) as { update_id: number; message: { message_id: number; text: string } });
      expect(updates.map((u) => u.message.text)).toEqual(["message 1", "message 2", "message 3", "message 4", "message 5", "message 6"]);
      const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);
      expect(ascending(updates.map((u) => u.update_id))).toBe(true);
      expect(ascending(updates.map((u) => u.message.message_id))).toBe(true);
    } finally {
      hook.server.close();
      await fake.close();
    }
  });
});

describe("the VK sandbox", () => {
  it("a community is created, confirmed, stops receiving, is restored by Confirm, and its deleted key is replaced", async () => {
    const fake = await startVkFake();
    let code = "";
    const hook = await receiver((body) => ((JSON.parse(body) as { type: string }).type === "confirmation" ? code : "ok"));
    try {
      const community = fake.addCommunity();
      code = community.confirmationCode;
      expect(fake.addCommunity().name).not.toBe(community.name);
      const call = async (token: string, method: string, params: Record<string, string> = {}) =>
        (await (await fetch(`${fake.url}/method/${method}`, { method: "POST", body: new URLSearchParams({ access_token: token, v: "5.199", ...params }) })).json()) as {
          response?: { groups?: { id: number }[] };
          error?: { error_code: number };
        };
      expect((await call(community.token, "groups.getById")).response?.groups?.[0]?.id).toBe(community.id);

      // Confirm: VK asks for the string and the server works.
      expect(await fake.confirmServer(community.id, hook.url, "s3cret")).toBe("ok");
      expect(await fake.write({ groupId: community.id, from: { id: 501, first_name: "Pavel" }, text: "first" })).toBe("delivered");
      expect(await fake.write({ groupId: community.id, from: { id: 501, first_name: "Pavel" }, text: "second" })).toBe("delivered");
      const events = hook.bodies.map((b) => JSON.parse(b) as { type: string; secret?: string; object?: { message: { text: string; conversation_message_id: number } } }).filter((e) => e.type === "message_new");
      expect(events.map((e) => [e.object!.message.text, e.object!.message.conversation_message_id, e.secret])).toEqual([
        ["first", 1, "s3cret"],
        ["second", 2, "s3cret"],
      ]);

      // Break: VK stops sending; Confirm restores it.
      expect(fake.serverOff(community.id, hook.url)).toBe(true);
      expect(await fake.write({ groupId: community.id, from: { id: 501, first_name: "Pavel" }, text: "lost?" })).toBe("not_sent");
      expect(fake.listCommunities().find((c) => c.id === community.id)?.servers[0]?.status).toBe("failed");
      expect(await fake.confirmServer(community.id, hook.url, "s3cret")).toBe("ok");

      // A wrong confirmation string fails the server.
      code = "wrong";
      expect(await fake.confirmServer(community.id, hook.url, "s3cret")).toBe("failed");

      // The key deleted: error 5 for it; the new key belongs to the same community.
      const fresh = fake.revoke(community.token);
      expect((await call(community.token, "groups.getById")).error?.error_code).toBe(5);
      expect((await call(fresh, "groups.getById")).response?.groups?.[0]?.id).toBe(community.id);
      expect(fake.listCommunities().find((c) => c.id === community.id)?.token).toBe(fresh);
    } finally {
      hook.server.close();
      await fake.close();
    }
  });
});

describe("the Messenger sandbox", () => {
  it("a customer writes under standby while the Page's bot owns the thread, and the bot's pass hands it to our app", async () => {
    const fake = await startMetaGraphFake({ appId: "100000000000999", appSecret: "s" });
    const hook = await receiver();
    try {
      fake.world.threadOwners.set("P1:psid-1", "730000000000001");
      expect(await fake.writeAsCustomer({ pageId: "P1", psid: "psid-1", name: "Maria Lopez", text: "agent", webhookUrl: hook.url })).toBe("delivered");
      expect(await fake.handover({ pageId: "P1", psid: "psid-1", to: "us", botAppId: "730000000000001", webhookUrl: hook.url })).toBe("delivered");
      expect(await fake.writeAsCustomer({ pageId: "P1", psid: "psid-1", name: "Maria Lopez", text: "thanks", webhookUrl: hook.url })).toBe("delivered");
      const [first, pass, second] = hook.bodies.map((b) => JSON.parse(b) as { entry: Record<string, unknown>[] });
      expect(first!.entry[0]!.standby).toBeDefined();
      expect((pass!.entry[0]!.messaging as { pass_thread_control: { new_owner_app_id: string } }[])[0]!.pass_thread_control.new_owner_app_id).toBe("100000000000999");
      expect(second!.entry[0]!.messaging).toBeDefined();
      expect(fake.world.threadOwners.get("P1:psid-1")).toBe("100000000000999");
    } finally {
      hook.server.close();
      await fake.close();
    }
  });
});
