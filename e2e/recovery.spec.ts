import { expect, test } from "./support/test";
import { signIn } from "./support/helpers";
import { e2eState } from "./support/state";

test("a VK reconnect answers at once; the missed messages are recovered by a job whose progress the Details page shows, and arrive in the inbox", async ({ page }) => {
  const company = e2eState().companies.recovery!;
  await signIn(page, company.adminEmail, company.password);
  await page.goto(`${e2eState().baseURL}/settings/channels`);
  await page.getByRole("link", { name: "Acme VK" }).first().click();
  await expect(page.getByTestId("recovery-progress")).toHaveCount(0);

  await page.getByRole("button", { name: "Reconnect" }).click();
  await expect(page.getByText("Reconnected. What customers wrote in the last 24 hours is being recovered", { exact: false })).toBeVisible();
  // The job's progress, then its end, in words on the Details page — live, no reload.
  const progress = page.getByTestId("recovery-progress");
  await expect(progress).toHaveText("Recovery finished: 2 missed messages recovered.");
  await expect(progress).toHaveAttribute("data-status", "done");

  await page.getByRole("link", { name: "Inbox" }).click();
  await expect(page.getByTestId("conversation-list").getByText("Please call me back about the parcel")).toBeVisible();
});
