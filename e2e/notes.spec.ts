import { expect, test, type Browser, type Page } from "./support/test";
import { signIn, telegramCalls } from "./support/helpers";
import { e2eState } from "./support/state";

const company = () => e2eState().companies.notes!;
// The seed's operators: Olena Operator (operator@) writes, Oleg Operator (operator2@) is mentioned.
const oleg = () => company().operatorEmail.replace(/^operator@/, "operator2@");

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: e2eState().baseURL })).newPage();
  await signIn(page, email, company().password);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  return page;
}

test("a note with @Oleg reaches Oleg's Mentions live, reads when opened, and is never sent to the customer", async ({ browser, request }) => {
  const [olena, olegPage] = await Promise.all([signedIn(browser, company().operatorEmail), signedIn(browser, oleg())]);
  const note = `Refund approved by finance, please confirm the card (${Date.now()})`;

  await olena.getByTestId("conversation-list").getByText("Ivan Petrov").first().click();
  await olena.getByRole("button", { name: "Note", exact: true }).click();
  await expect(olena.getByRole("button", { name: "Note", exact: true })).toHaveAttribute("aria-pressed", "true");
  const field = olena.getByLabel("Note for your team");
  await field.pressSequentially("@ole");
  // Olena is not offered to herself; the keyboard picks Oleg.
  const suggestions = olena.getByRole("listbox", { name: "People to mention" });
  await expect(suggestions.getByRole("option")).toHaveText(["@Oleg Operator"]);
  await field.press("Enter");
  await expect(field).toHaveValue("@Oleg Operator ");
  await field.pressSequentially(note);
  // A note's draft comes back after a reload as a note, never as a reply.
  await olena.reload();
  await expect(olena.getByRole("button", { name: "Note", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(field).toHaveValue(`@Oleg Operator ${note}`);
  await field.press("Enter");

  const shown = olena.getByTestId("private-note").filter({ hasText: note });
  await expect(shown).toContainText("Note · visible to your team only");
  await expect(shown.getByTestId("delivery-status")).toHaveCount(0);

  // Oleg did not reload: the Mentions tab counts it, lists it, and opening it reads it.
  await expect(olegPage.getByTestId("count-mentions")).toContainText("1");
  await olegPage.getByRole("tab", { name: /^Mentions/ }).click();
  const row = olegPage.getByTestId("mention-row").filter({ hasText: note });
  await expect(row).toContainText("Olena Operator mentioned you");
  await expect(row).toContainText("Unread");
  await row.click();
  const inThread = olegPage.getByTestId("thread").getByTestId("private-note").filter({ hasText: note });
  await expect(inThread).toBeVisible();
  // The thread marks who was mentioned, and tells Oleg it is him.
  await expect(inThread.getByTestId("note-mention")).toHaveText("@Oleg Operator (that is you)");
  await expect(row).not.toContainText("Unread");
  await expect(olegPage.getByTestId("count-mentions")).toContainText("0");

  // A reply written after the note reaches Telegram; the note never did.
  const reply = `We are checking your refund (${Date.now()})`;
  await olena.getByRole("button", { name: "Reply", exact: true }).click();
  await olena.getByLabel("Reply", { exact: true }).fill(reply);
  await olena.getByLabel("Reply", { exact: true }).press("Enter");
  const sent = async () => (await telegramCalls(request)).filter((c) => c.token === company().telegram.botToken).map((c) => String(c.params.text ?? ""));
  await expect.poll(sent).toContain(reply);
  expect((await sent()).filter((text) => text.includes(note) || text.includes("@Oleg"))).toEqual([]);
});
