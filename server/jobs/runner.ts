import { deliverDueEmails } from "../email/deliver-due-emails";
import { logger } from "../log";
import { deliverDueSends } from "../services/sends/deliver-due-sends";

/**
 * Background work on Postgres, in the app process: the durable send queue (outbound_sends) and the email
 * queue (email_deliveries). Webhook events have their own worker (ingest-worker.ts). State
 * lives in the tables, so a restart loses nothing and several processes can share the queues (SKIP LOCKED).
 */
const IDLE_MS = 1000;

type RunnerState = { timer?: NodeJS.Timeout; running: boolean; again: boolean; stopped: boolean };
const globalForJobs = globalThis as unknown as { switchboardJobs?: RunnerState };

async function tick(state: RunnerState): Promise<void> {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  try {
    do {
      state.again = false;
      const sent = await deliverDueSends();
      const emailed = await deliverDueEmails();
      if (sent > 0 || emailed > 0) state.again = true;
    } while (state.again && !state.stopped);
  } catch (error) {
    logger.error("jobs.tick_failed", { error });
  } finally {
    state.running = false;
  }
}

function schedule(state: RunnerState) {
  if (state.stopped) return;
  state.timer = setTimeout(() => void tick(state).finally(() => schedule(state)), IDLE_MS);
  state.timer.unref?.();
}

export function startJobRunner(): void {
  if (globalForJobs.switchboardJobs) return;
  const state: RunnerState = { running: false, again: false, stopped: false };
  globalForJobs.switchboardJobs = state;
  schedule(state);
  logger.info("jobs.started");
}

/** Run a pass now (after a reply is queued) instead of waiting for the next tick. */
export function kickJobs(): void {
  const state = globalForJobs.switchboardJobs;
  if (state && !state.stopped) void tick(state);
}

export function stopJobRunner(): void {
  const state = globalForJobs.switchboardJobs;
  if (!state) return;
  state.stopped = true;
  clearTimeout(state.timer);
  globalForJobs.switchboardJobs = undefined;
}
