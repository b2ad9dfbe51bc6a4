import { test as base, type BrowserContext } from "@playwright/test";

export { expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

/** Every console line in which the browser reports that the Content-Security-Policy blocked something. */
function watchCsp(context: BrowserContext, into: string[]) {
  context.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) into.push(`${message.page()?.url() ?? "?"}: ${message.text()}`);
  });
}

/**
 * Playwright's test, with one more check on every spec: the app's Content-Security-Policy (nonces, no inline
 * script, the realtime socket in connect-src) blocked nothing on any screen the spec visited — in its own
 * context and in every context it opened for a second person.
 */
export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ context, browser }, use, testInfo) => {
      const violations: string[] = [];
      watchCsp(context, violations);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args) => {
        const created = await newContext(...args);
        watchCsp(created, violations);
        return created;
      };
      await use();
      browser.newContext = newContext;
      if (violations.length > 0 && testInfo.status === testInfo.expectedStatus) {
        throw new Error(`Content-Security-Policy violations:\n${violations.join("\n")}`);
      }
    },
    { auto: true },
  ],
});
