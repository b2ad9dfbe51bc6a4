import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { e2eState } from "./state";

/**
 * Signs in as the sign-in form does (next-auth's CSRF token, then the credentials callback, on the page's own
 * cookies), without loading the form: the tests about the form itself use `signInThroughForm` or the form
 * directly. Ends on the inbox.
 */
export async function signIn(page: Page, email: string, password: string) {
  const base = e2eState().baseURL;
  const { csrfToken } = (await (await page.request.get(`${base}/api/auth/csrf`)).json()) as { csrfToken: string };
  const answer = await page.request.post(`${base}/api/auth/callback/credentials`, {
    form: { csrfToken, email, password, json: "true" },
  });
  const { url } = (await answer.json()) as { url: string };
  expect(new URL(url).searchParams.get("error"), `sign-in of ${email}`).toBeNull();
  await page.goto(`${base}/inbox`);
  await expect(page).toHaveURL(/\/inbox/);
}

/** Signs in through the sign-in form, as a person does. */
export async function signInThroughForm(page: Page, email: string, password: string) {
  await page.goto(`${e2eState().baseURL}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/inbox/);
}

/** Posts an Update exactly as Telegram does: JSON body plus the secret header. */
export async function postTelegramUpdate(request: APIRequestContext, channelId: string, secret: string, update: unknown) {
  return request.post(`${e2eState().baseURL}/api/webhooks/telegram/${channelId}`, {
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    data: JSON.stringify(update),
  });
}

export type FakeCall = { token: string; method: string; params: Record<string, unknown> };

export async function telegramCalls(request: APIRequestContext): Promise<FakeCall[]> {
  const res = await request.get(`${e2eState().telegramFakeUrl}/__fake/calls`);
  return (await res.json()) as FakeCall[];
}
