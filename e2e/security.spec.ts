import { expect, test, type Page } from "./support/test";
import { signIn, signInThroughForm } from "./support/helpers";
import { e2eState } from "./support/state";

const trpcQuery = (path: string, input: unknown) => `${e2eState().baseURL}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

test("every answer carries the security headers, and each page a fresh script nonce its scripts carry", async ({ request }) => {
  const { baseURL, companies } = e2eState();
  const first = await request.get(`${baseURL}/sign-in`);
  const second = await request.get(`${baseURL}/sign-in`);
  const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
  const csp = first.headers()["content-security-policy"]!;
  expect(csp).toContain("frame-ancestors 'none'");
  expect(/script-src ([^;]+)/.exec(csp)![1]).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(csp).toMatch(/connect-src 'self' ws:\/\/localhost:\d+/);
  const nonce = nonceOf(csp);
  expect(nonce).toBeTruthy();
  expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonce);
  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  const answers = {
    page: first,
    trpc: await request.get(trpcQuery("inbox.counts", {})),
    health: await request.get(`${baseURL}/api/health`),
    asset: await request.get(`${baseURL}/icon.svg`),
    webhook: await request.post(`${baseURL}/api/webhooks/telegram/${companies.security!.telegram.channelId}`, { data: "{}", headers: { "content-type": "application/json" } }),
  };
  for (const [what, res] of Object.entries(answers)) {
    const headers = res.headers();
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["permissions-policy"], what).toContain("camera=()");
    expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
    // The app runs on http here: no HSTS (it is sent when APP_URL is https).
    expect(headers["strict-transport-security"], what).toBeUndefined();
  }
  expect(answers.trpc.status()).toBe(401);
  expect(answers.webhook.status()).toBe(401);
});

test("a session cookie copied before sign-out is refused everywhere afterwards", async ({ page, browser }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.security!;
  await signIn(page, company.operatorEmail, company.password);
  const copied = await page.context().cookies();
  expect((await page.request.get(trpcQuery("inbox.counts", {}))).status()).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  expect((await thief.request.get(trpcQuery("inbox.counts", {}))).status()).toBe(401);
  const form = { headers: { "content-type": "application/x-www-form-urlencoded", origin: baseURL }, data: "socket_id=1.2&channel_name=private-company-x" };
  expect((await thief.request.post(`${baseURL}/api/realtime/auth`, form)).status()).toBe(401);
  expect((await thief.request.post(`${baseURL}/api/realtime/user-auth`, form)).status()).toBe(401);
  const stolen = await thief.newPage();
  await stolen.goto(`${baseURL}/inbox`);
  await expect(stolen).toHaveURL(/\/sign-in/);
  await thief.close();
});

test("after sign-in, a callbackUrl that a browser reads as another host lands on the inbox", async ({ page }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.security!;
  for (const target of ["%2F%5Cevil.example", "%2F%09%2Fevil.example", "https%3A%2F%2Fevil.example%2F"]) {
    await page.goto(`${baseURL}/sign-in?callbackUrl=${target}`);
    await page.getByLabel("Email").fill(company.adminEmail);
    await page.getByLabel("Password").fill(company.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${baseURL}/inbox`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
  }
  // One on the app itself is kept.
  await page.goto(`${baseURL}/sign-in?callbackUrl=${encodeURIComponent("/settings/people")}`);
  await page.getByLabel("Email").fill(company.adminEmail);
  await page.getByLabel("Password").fill(company.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${baseURL}/settings/people`);
});

async function mailboxLink(page: Page, to: string, subject: string): Promise<string> {
  await page.goto(`${e2eState().baseURL}/settings/mailbox`);
  const row = page.getByTestId("mailbox-row").filter({ hasText: to }).filter({ hasText: subject }).first();
  await expect(row).toBeVisible();
  await row.getByRole("link").click();
  const text = await page.getByTestId("email-text").innerText();
  const link = /https?:\/\/[^\s\]]+\/set-password\?token=[\w-]+/.exec(text)?.[0];
  expect(link, "the email carries a set-password link").toBeTruthy();
  return link!;
}

test("wrong passwords are throttled in words; the owner gets back in through Forgot password, which ends the live session elsewhere", async ({ page, browser }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.security!;
  const email = company.operatorEmail;

  // The operator is signed in on another computer, live.
  const elsewhere = await browser.newContext();
  const desk = await elsewhere.newPage();
  await signIn(desk, email, company.password);
  await expect(desk.getByText("Live", { exact: true })).toBeVisible();

  await page.goto(`${baseURL}/sign-in`);
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`guess number ${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /wrong|Too many/ })).toBeVisible();
  }
  await expect(page.getByRole("alert").filter({ hasText: "Too many" })).toContainText(/Too many attempts\. Try again in 1[45] minutes, or reset your password\./);
  // Even the right password waits now.
  await page.getByLabel("Password").fill(company.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Too many attempts" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status").filter({ hasText: `If ${email} belongs to an account, a link to choose a new password is on its way.` })).toBeVisible();
  // An address with no account gets the very same answer.
  await page.goto(`${baseURL}/forgot-password`);
  await page.getByLabel("Email").fill("nobody@nowhere.switchboard.test");
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "If nobody@nowhere.switchboard.test belongs to an account, a link to choose a new password is on its way." })).toBeVisible();

  // Locally the email lands in the company's Mailbox (Resend in production).
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, company.adminEmail, company.password);
  const link = await mailboxLink(admin, email, "Choose a new password for Switchboard");

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel(/^New password/).fill("a fresh long password");
  await page.getByLabel("Repeat the password").fill("a fresh long password");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "every session you had is signed out" })).toBeVisible();

  // The other computer's session ended at once: its socket was closed and the page went to sign-in, saying why.
  await expect(desk).toHaveURL(/\/sign-in\?ended=1/, { timeout: 10_000 });
  await expect(desk.getByRole("status").filter({ hasText: "Your session has ended. Sign in again." })).toBeVisible();

  // The owner is in again with the new password, right away.
  await signInThroughForm(page, email, "a fresh long password");
  await elsewhere.close();
  await adminContext.close();
});

test("changing one's password on the Account page keeps this session and ends the others", async ({ page, browser }) => {
  const { baseURL, companies } = e2eState();
  const company = companies.security!;
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, company.adminEmail, company.password);
  await expect(otherPage.getByText("Live", { exact: true })).toBeVisible();

  await signIn(page, company.adminEmail, company.password);
  await page.getByRole("link", { name: /Alex Admin · Admin/ }).click();
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel(/^New password/).fill("the admin's new password");
  await page.getByLabel("Repeat the new password").fill("the admin's new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The current password is wrong." })).toBeVisible();
  await page.getByLabel("Current password").fill(company.password);
  await page.getByLabel(/^New password/).fill("the admin's new password");
  await page.getByLabel("Repeat the new password").fill("the admin's new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: /\w/ }).first()).toContainText("Your password is changed. Your other sessions were signed out; this one stays.");

  await expect(otherPage).toHaveURL(/\/sign-in\?ended=1/, { timeout: 10_000 });
  await page.goto(`${baseURL}/inbox`);
  await expect(page).toHaveURL(/\/inbox/);

  // Put the password back for the specs after this one.
  await page.goto(`${baseURL}/account`);
  await page.getByLabel("Current password").fill("the admin's new password");
  await page.getByLabel(/^New password/).fill(company.password);
  await page.getByLabel("Repeat the new password").fill(company.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password is changed." })).toBeVisible();
  await other.close();
});
