import { describe, expect, it } from "vitest";
import { renderEmail } from "./render-email";

const props = {
  recipientName: "Olena",
  inviterName: "Alex Admin",
  companyName: "Acme",
  role: "operator" as const,
  link: "http://localhost:3000/set-password?token=abc123",
  expiresAt: new Date("2026-03-10T12:00:00Z"),
};

describe("invitation email", () => {
  it("renders HTML and text in English with the set-password link", async () => {
    const email = await renderEmail({ name: "invitation", props }, "en");
    expect(email.subject).toBe("You’re invited to Acme on Switchboard");
    expect(email.html).toContain('lang="en"');
    expect(email.html).toContain('href="http://localhost:3000/set-password?token=abc123"');
    expect(email.html).toContain("Set your password");
    expect(email.text).toContain("http://localhost:3000/set-password?token=abc123");
    expect(email.text).toContain("Alex Admin invited you to Acme’s support inbox as Operator.");
    expect(email.text).not.toContain("<");
  });

  it("renders in Russian and Ukrainian, dates in that language", async () => {
    const ru = await renderEmail({ name: "invitation", props }, "ru");
    expect(ru.subject).toBe("Вас пригласили в Acme в Switchboard");
    expect(ru.html).toContain('lang="ru"');
    expect(ru.text).toContain("роль: Оператор");
    expect(ru.text).toMatch(/10 мар(т|\.)/);
    const uk = await renderEmail({ name: "invitation", props }, "uk");
    expect(uk.text).toContain("Задати пароль");
    expect(uk.text).toMatch(/10 бер/);
  });
});
