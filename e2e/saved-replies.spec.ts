import { expect, test } from "./support/test";
import { signIn, telegramCalls } from "./support/helpers";
import { e2eState } from "./support/state";

const company = () => e2eState().companies["saved-replies"]!;

test("an admin saves /hours with a variable; an operator types /hours, picks it, and the customer receives it filled in", async ({ page, browser, request }) => {
  const stamp = Date.now();
  await signIn(page, company().adminEmail, company().password);
  await page.goto(`${e2eState().baseURL}/settings/saved-replies`);
  await page.getByRole("button", { name: "New reply: Company replies" }).click();
  await page.getByLabel("Code", { exact: true }).fill("/hours");
  await page.getByLabel("Title", { exact: true }).fill("Opening hours");
  const english = page.getByLabel("Text in English");
  // A variable no conversation can fill is flagged before anything is saved.
  await english.fill("Hi {{contact.nam}}");
  const flagged = page.getByRole("alert").filter({ hasText: "Unknown variable" });
  await expect(flagged).toContainText("Unknown variable: {{contact.nam}}");
  await english.fill(`Hi {{contact.name}}, we are open 9 to 18 (${stamp}).`);
  await expect(flagged).toHaveCount(0);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved /hours." })).toBeVisible();
  await expect(page.getByTestId("saved-reply-row").filter({ hasText: "Opening hours" })).toBeVisible();

  const context = await browser.newContext({ baseURL: e2eState().baseURL });
  try {
    const operator = await context.newPage();
    await signIn(operator, company().operatorEmail, company().password);
    await operator.getByTestId("conversation-list").getByText("Ivan Petrov").first().click();
    const reply = operator.getByLabel("Reply");
    await reply.click();
    await reply.pressSequentially("/hours");
    const picker = operator.getByRole("dialog", { name: "Saved replies" });
    await expect(picker.getByRole("combobox", { name: "Search saved replies" })).toHaveValue("hours");
    await expect(picker.getByRole("option", { selected: true })).toContainText("/hours Opening hours");
    await operator.keyboard.press("Enter");
    const filled = `Hi Ivan Petrov, we are open 9 to 18 (${stamp}).`;
    await expect(picker).toHaveCount(0);
    await expect(reply).toHaveValue(filled);
    await expect(reply).toBeFocused();

    await operator.getByRole("button", { name: "Send" }).click();
    await expect(operator.getByTestId("thread").getByText(filled)).toBeVisible();
    await expect
      .poll(async () => (await telegramCalls(request)).filter((c) => c.method === "sendMessage" && c.token === company().telegram.botToken && c.params.text === filled))
      .toHaveLength(1);
  } finally {
    await context.close();
  }
});
