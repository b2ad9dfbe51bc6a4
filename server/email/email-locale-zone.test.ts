import { describe, expect, it } from "vitest";
import { renderEmail } from "./render-email";

const channel = {
  channelName: "Support bot",
  provider: "telegram" as const,
  username: "support_bot",
  detailsUrl: "http://localhost:3000/settings/channels/1",
  companyName: "Acme",
  registrationEmail: "owner@acme.test",
};

describe("emails in the company's language and time zone", () => {
  it("a connection-loss email gives the time in the company's zone and names it", async () => {
    const email = await renderEmail({ name: "connection_lost", props: { ...channel, reasonCode: "token_revoked", since: new Date("2026-12-07T00:12:00Z") } }, "ru", "Europe/Moscow");
    expect(email.subject).toBe("Support bot потерял подключение");
    expect(email.text).toMatch(/С 7 дек\. 2026 г\., 03:12 \(Europe\/Moscow, GMT\+3\) Support bot/);
  });

  it("an invitation's expiry is in the company's zone, named", async () => {
    const email = await renderEmail(
      { name: "invitation", props: { recipientName: "Olena", inviterName: "Alex", companyName: "Acme", role: "operator", link: "http://x/set-password?token=a", expiresAt: new Date("2026-03-10T23:30:00Z") } },
      "en",
      "Asia/Tokyo",
    );
    expect(email.text).toMatch(/Mar 11, 2026, 8:30\sAM \(Asia\/Tokyo, GMT\+9\)/);
  });

  it("the connected-again email says how many messages were recovered, with each language's plural forms", async () => {
    const at = new Date("2026-12-07T00:12:00Z");
    const ru = (count: number) => renderEmail({ name: "connection_restored", props: { ...channel, at, recoveredCount: count } }, "ru", "UTC");
    expect((await ru(1)).text).toContain("Восстановлено 1 сообщение:");
    expect((await ru(3)).text).toContain("Восстановлено 3 сообщения:");
    expect((await ru(5)).text).toContain("Восстановлено 5 сообщений:");
    const uk = await renderEmail({ name: "connection_restored", props: { ...channel, at, recoveredCount: 11 } }, "uk", "UTC");
    expect(uk.text).toContain("Відновлено 11 повідомлень:");
    const en = await renderEmail({ name: "connection_restored", props: { ...channel, at, recoveredCount: 2 } }, "en", "UTC");
    expect(en.text).toContain("2 messages recovered");
    const unknown = await renderEmail({ name: "connection_restored", props: { ...channel, at } }, "en", "UTC");
    expect(unknown.text).not.toMatch(/recovered|missed/);
  });
});
