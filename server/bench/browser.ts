/**
 * `npm run bench:browser`: what an operator feels in Chromium at a million messages, and how that grows from ten
 * thousand. The same two databases as bench:inbox (server/bench/inbox-data.ts; BENCH_KEEP_DB=1 keeps and reuses
 * them), the production build started through the launcher's stack, Chromium headless at 1280×800 driven by
 * Playwright, an operator signed in through the form. Measured, BENCH_PASSES times each (default 10):
 *   - cold load of /inbox (a fresh browser context: empty cache) and warm load (the same context again): TTFB, FCP,
 *     LCP, TBT (long tasks past 50 ms until the page is quiet) and the JavaScript transferred (compressed) and
 *     decoded;
 *   - each interaction, from the input event (pointerdown or the last keydown) to the DOM showing its result:
 *     opening a conversation from the list, each tab, opening the 100,000-message conversation, its older page (the
 *     button, from the keyboard) and the next one (scrolling to the top), and typing a search word until its
 *     results are listed.
 * Prints median / p95 per size, the ratio 1M/10k and the core count; writes .data/bench/browser.json.
 * Asserts nothing (figures, never timed tests), never part of CI. Loopback only. Chromium: /usr/bin/chromium when
 * installed, else Playwright's own.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { ensureBuild, freePort, percentile, runSizeInChild, startApp, vars, writeResult } from "./harness";
import { benchDatabase, SHAPES, type Shape } from "./inbox-data";

const PASSES = Math.min(Math.max(Number(vars.BENCH_PASSES ?? 10), 1), 50);
const PASSWORD = "switchboard";
const SEARCH_WORDS = ["refund", "delivery", "payment", "courier", "parcel", "address", "question", "tomorrow", "thanks", "please"];
const TABS = [
  { id: "in_progress", label: "In progress" },
  { id: "closed", label: "Closed" },
  { id: "mine", label: "Mine" },
  { id: "new", label: "New" },
] as const;

type Stat = { median: number; p95: number; n: number };
type SizeResult = { label: string; messages: number; metrics: Record<string, Stat> };

const stat = (samples: number[]): Stat => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95), n: sorted.length };
};

/**
 * Observers installed before any page script: largest contentful paint and long tasks, kept on window. And the
 * helper tsx gives named functions, which the functions this file runs in the page refer to.
 */
const PERF_INIT = `(() => {
  window.__name = (f) => f;
  const perf = { lcp: 0, longTasks: [] };
  window.__benchPerf = perf;
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) perf.lcp = Math.max(perf.lcp, e.startTime); }).observe({ type: "largest-contentful-paint", buffered: true });
    new PerformanceObserver((l) => { for (const e of l.getEntries()) perf.longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: "longtask", buffered: true });
  } catch {}
})();`;

type LoadFigures = { ttfb: number; fcp: number; lcp: number; tbt: number; jsTransferred: number; jsDecoded: number };

async function measureLoad(page: Page, url: string): Promise<LoadFigures> {
  try {
    return await loadFigures(page, url);
  } finally {
    await page.close();
  }
}

async function loadFigures(page: Page, url: string): Promise<LoadFigures> {
  await page.goto(url, { waitUntil: "load" });
  await page.getByTestId("conversation-row").first().waitFor();
  // Quiet: no request in flight for half a second (hydration, the first fetches and their renders are done).
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(500);
  return page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
    const perf = (window as unknown as { __benchPerf: { lcp: number; longTasks: { start: number; duration: number }[] } }).__benchPerf;
    const tbt = perf.longTasks.filter((t) => t.start + t.duration > fcp).reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);
    const scripts = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((r) => r.initiatorType === "script" || /\.js(\?|$)/.test(r.name));
    return {
      ttfb: nav.responseStart - nav.startTime,
      fcp,
      lcp: perf.lcp,
      tbt,
      jsTransferred: scripts.reduce((s, r) => s + r.transferSize, 0),
      jsDecoded: scripts.reduce((s, r) => s + r.decodedBodySize, 0),
    };
  });
}

/**
 * Arms the page: the next input event (pointerdown or keydown; for typing, the last keydown) starts the clock, and
 * the first DOM change after which `done` holds stops it (and `after` held at some change before). Both are bodies of
 * functions run in the page.
 */
async function arm(page: Page, done: string, { lastKey = false, after }: { lastKey?: boolean; after?: string } = {}) {
  await page.evaluate(
    ({ done, lastKey, after }) => {
      const holds = new Function(done) as () => boolean;
      // A state that must be seen first (a list that starts loading), so an old view never counts as the result.
      const before = after ? (new Function(after) as () => boolean) : null;
      let seen = !before;
      const w = window as unknown as { __benchTimed: Promise<number> };
      w.__benchTimed = new Promise<number>((resolve) => {
        let t0: number | undefined;
        const start = (e: Event) => {
          if (t0 === undefined || lastKey) t0 = e.timeStamp;
        };
        (window as unknown as { __benchStart: () => void }).__benchStart = () => (t0 = performance.now());
        addEventListener("pointerdown", start, true);
        addEventListener("keydown", start, true);
        const diag = { t0: -1, checks: 0, holds: false, error: "" };
        (window as unknown as { __benchDiag: unknown }).__benchDiag = diag;
        const check = () => {
          diag.checks++;
          diag.t0 = t0 ?? -1;
          try {
            diag.holds = holds();
          } catch (e) {
            diag.error = String(e);
          }
          if (t0 === undefined) return;
          if (!seen) seen = before!();
          if (!seen || !holds()) return;
          const took = performance.now() - t0;
          observer.disconnect();
          removeEventListener("pointerdown", start, true);
          removeEventListener("keydown", start, true);
          resolve(took);
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      });
    },
    { done, lastKey, after },
  );
}

/** The armed interaction's time; a result that never shows within 30 s stops the run, saying which. */
async function timed(page: Page, what: string): Promise<number> {
  const took = await page.evaluate(() =>
    Promise.race([(window as unknown as { __benchTimed: Promise<number> }).__benchTimed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 30_000))]),
  );
  if (took < 0) {
    await page.screenshot({ path: ".data/bench/browser-stuck.png" });
    console.log(await page.evaluate(() => JSON.stringify((window as unknown as { __benchDiag: unknown }).__benchDiag)), page.url());
    throw new Error(`bench:browser: "${what}" never showed its result (screenshot in .data/bench/browser-stuck.png)`);
  }
  return took;
}

/** Moves the inbox to a tab's list (nothing open) as a link would, without timing it; waits until it is shown. */
async function showView(page: Page, tab: string) {
  await page.evaluate((t) => window.history.pushState(null, "", `/inbox?tab=${t}`), tab);
  await page.waitForFunction(
    (t) =>
      document.getElementById(`tab-${t}`)?.getAttribute("aria-selected") === "true" &&
      !document.querySelector("[data-testid=thread]") &&
      !document.querySelector("#conversation-panel [aria-busy]") &&
      document.querySelectorAll("[data-testid=conversation-row]").length > 0,
    tab,
  );
}

const LIST_READY = `return !document.querySelector("#conversation-panel [aria-busy]") && document.querySelectorAll("[data-testid=conversation-row]").length > 0`;

async function interactions(page: Page, metrics: Record<string, number[]>) {
  const add = (name: string, ms: number) => (metrics[name] ??= []).push(ms);
  const rows = page.getByTestId("conversation-row");
  for (let pass = 0; pass < PASSES; pass++) {
    // Open a conversation from the New tab's list (a different row each pass).
    await showView(page, "new");
    const row = rows.nth(pass % 10);
    const name = (await row.locator("span").first().locator("span").first().textContent())!.trim();
    await arm(page, `return [...document.querySelectorAll("main h2")].some((h) => h.textContent.includes(${JSON.stringify(name)})) && document.querySelectorAll("[data-testid=thread] > li").length > 1`);
    await row.click();
    add("open a conversation", await timed(page, "open a conversation"));

    // Each tab, one after another.
    for (const tab of TABS) {
      await arm(page, `return document.getElementById("tab-${tab.id}")?.getAttribute("aria-selected") === "true" && !document.querySelector("#conversation-panel [aria-busy]") && !!document.querySelector("[data-testid=conversation-list]")`);
      await page.getByRole("tab", { name: new RegExp(`^${tab.label}`) }).click();
      add(`tab → ${tab.label}`, await timed(page, `tab → ${tab.label}`));
    }

    // The longest conversation (the most recent one, in progress) and its older page.
    await showView(page, "in_progress");
    const longest = rows.first();
    const longName = (await longest.locator("span").first().locator("span").first().textContent())!.trim();
    await arm(page, `return [...document.querySelectorAll("main h2")].some((h) => h.textContent.includes(${JSON.stringify(longName)})) && document.querySelectorAll("[data-testid=thread] > li").length > 1`);
    await longest.click();
    add("open the longest conversation", await timed(page, "open the longest conversation"));
    // Its older page from the keyboard (the button focused without scrolling, then Enter), and the next one by
    // scrolling to the top of the thread (the clock starts with the scroll).
    let count = await page.locator("[data-testid=thread] > li").count();
    await arm(page, `return document.querySelectorAll("[data-testid=thread] > li").length > ${count}`);
    await page.getByRole("button", { name: "Load older messages" }).evaluate((b: HTMLElement) => b.focus({ preventScroll: true }));
    await page.keyboard.press("Enter");
    add("its older page (button)", await timed(page, "its older page (button)"));
    await page.getByRole("button", { name: "Load older messages" }).waitFor();
    count = await page.locator("[data-testid=thread] > li").count();
    await arm(page, `return document.querySelectorAll("[data-testid=thread] > li").length > ${count}`);
    await page.getByTestId("thread").evaluate((el) => {
      (window as unknown as { __benchStart: () => void }).__benchStart();
      el.scrollTo({ top: 0 });
    });
    add("its older page (scroll up)", await timed(page, "its older page (scroll up)"));

    // A search word typed into the box, from its last key to its results.
    await showView(page, "new");
    const word = SEARCH_WORDS[pass % SEARCH_WORDS.length]!;
    const box = page.getByLabel("Search conversations");
    await box.click();
    await arm(page, `return new URLSearchParams(location.search).get("q") === ${JSON.stringify(word)} && (${LIST_READY.replace("return ", "")})`, {
      lastKey: true,
      after: `return !!document.querySelector("#conversation-panel [aria-busy]")`,
    });
    await box.pressSequentially(word, { delay: 40 });
    add("search word → results", await timed(page, "search word → results"));
    await box.fill("");
    await page.waitForFunction(() => !new URLSearchParams(location.search).has("q"));
  }
}

async function runSize(shape: Shape): Promise<SizeResult> {
  const port = await freePort();
  const { database, data } = await benchDatabase(shape, "bench:browser", port);
  let browser: Browser | undefined;
  const stops: (() => Promise<void>)[] = [];
  try {
    const app = await startApp(port);
    stops.push(app.stop);
    const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu"] });
    // The timing hooks are functions built in the page: the app's Content-Security-Policy would refuse them.
    const contextOptions = { viewport: { width: 1280, height: 800 }, baseURL: app.url, bypassCSP: true };

    // Signed in through the form once; every context after carries the session.
    const signing = await browser.newContext(contextOptions);
    const page = await signing.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(data.co.operators[0]!.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/inbox/);
    const storageState = await signing.storageState();
    await signing.close();

    const metrics: Record<string, number[]> = {};
    const add = (name: string, v: number) => (metrics[name] ??= []).push(v);
    const record = (kind: string, f: LoadFigures) => {
      add(`${kind} load TTFB`, f.ttfb);
      add(`${kind} load FCP`, f.fcp);
      add(`${kind} load LCP`, f.lcp);
      add(`${kind} load TBT`, f.tbt);
      add(`${kind} load JS KB transferred`, f.jsTransferred / 1024);
      add(`${kind} load JS KB decoded`, f.jsDecoded / 1024);
    };
    let warm: BrowserContext | undefined;
    for (let pass = 0; pass < PASSES; pass++) {
      const cold = await browser.newContext({ ...contextOptions, storageState });
      await cold.addInitScript(PERF_INIT);
      record("cold", await measureLoad(await cold.newPage(), "/inbox"));
      if (pass === 0) warm = cold;
      else await cold.close();
    }
    for (let pass = 0; pass < PASSES; pass++) record("warm", await measureLoad(await warm!.newPage(), "/inbox"));
    await warm!.close();

    const context = await browser.newContext({ ...contextOptions, storageState });
    await context.addInitScript(PERF_INIT);
    const work = await context.newPage();
    await work.goto("/inbox");
    await work.getByTestId("conversation-row").first().waitFor();
    await interactions(work, metrics);
    await context.close();

    return { label: shape.label, messages: data.messages, metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, stat(v)])) };
  } finally {
    await browser?.close().catch(() => undefined);
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await database.drop();
  }
}

const runChild = (label: Shape["label"]) => runSizeInChild<SizeResult>(import.meta.filename, "BENCH_BROWSER_SIZE", label, "bench:browser");

async function main() {
  const size = vars.BENCH_BROWSER_SIZE as Shape["label"] | undefined;
  if (size) {
    const result = await runSize(SHAPES[size]);
    if (!process.send) console.log(JSON.stringify(result, null, 2));
    await new Promise<void>((resolve) => (process.send ? process.send(result, () => resolve()) : resolve()));
    return;
  }
  vars.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0001";
  vars.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  ensureBuild();
  const loadBefore = os.loadavg()[0]!;
  const small = await runChild("10k");
  const large = await runChild("1m");
  const loadAfter = os.loadavg()[0]!;

  const names = Object.keys(large.metrics);
  const rows = names.map((name) => {
    const l = large.metrics[name]!;
    const s = small.metrics[name] ?? { median: 0, p95: 0, n: 0 };
    return { name, median_10k: s.median, p95_10k: s.p95, median_1m: l.median, p95_1m: l.p95, ratio: s.median ? l.median / s.median : 0 };
  });
  const result = { cores: os.cpus().length, passes: PASSES, loadAverage: { before: loadBefore, after: loadAfter }, messages: { "10k": small.messages, "1m": large.messages }, rows, measuredAt: new Date().toISOString() };
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(
    [
      `cores ${result.cores} · load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} · ${PASSES} passes · 10k: ${small.messages} messages · 1M: ${large.messages} messages · Chromium headless 1280×800`,
      `${"measure".padEnd(32)} ${"10k med".padStart(8)} ${"10k p95".padStart(8)} ${"1M med".padStart(8)} ${"1M p95".padStart(8)} ${"ratio".padStart(6)}`,
      ...rows.map((r) => `${r.name.padEnd(32)} ${f(r.median_10k).padStart(8)} ${f(r.p95_10k).padStart(8)} ${f(r.median_1m).padStart(8)} ${f(r.p95_1m).padStart(8)} ${f(r.ratio, 2).padStart(6)}`),
      "times in ms (from the input event to the DOM showing the result); JS in KB",
    ].join("\n"),
  );
  writeResult("browser", result);
}

await main();
process.exit(0);
