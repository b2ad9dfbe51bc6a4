import { deliverDueEmails } from "../email/deliver-due-emails";
import type { EmailTransport } from "../email/resend-transport";
import { logger } from "../log";
import { setJobKick } from "../queue/kick-jobs";
import { markMaybeDelivered, SendLanes } from "../services/sends/deliver-due-sends";

/**
 * Background work on Postgres, in the app process: the durable send queue (outbound_sends) and the email
 * queue (email_deliveries). Webhook events have their own worker (ingest-worker.ts). State
 * lives in the tables, so a restart loses nothing and several processes can share the queues (SKIP LOCKED).
 *
 * Replies and emails never wait on each other: replies go out in lanes (SendLanes, concurrent across
 * conversations), emails in a loop of their own, so a hanging email API holds no reply and a hanging
 * messenger no email.
 */
const IDLE_MS = 1000;
/** How long stopping waits for sends in flight (each is bounded by SEND_TIMEOUT_MS). */
const STOP_WAIT_MS = 20_000;

type EmailLoop = { running: boolean; again: boolean };
type Runner = { timer?: NodeJS.Timeout; stopped: boolean; sends: SendLanes; emails: EmailLoop; emailTransport?: EmailTransport | null };
const globalForJobs = globalThis as unknown as { switchboardJobs?: Runner };

async function emailTick(runner: Runner): Promise<void> {
  const loop = runner.emails;
  if (loop.running) {
    loop.again = true;
    return;
  }
  loop.running = true;
  try {
    do {
      loop.again = false;
      const emailed = await deliverDueEmails(runner.emailTransport === undefined ? {} : { transport: runner.emailTransport });
      if (emailed > 0) loop.again = true;
    } while (loop.again && !runner.stopped);
  } catch (error) {
    logger.error("jobs.email_tick_failed", { error });
  } finally {
    loop.running = false;
  }
}

/** Every second: sends whose worker died mid-call are marked, and whatever became due (retries, pacing) goes. */
async function poll(runner: Runner): Promise<void> {
  try {
    await markMaybeDelivered();
  } catch (error) {
    logger.error("jobs.tick_failed", { error });
  }
  runner.sends.kick();
  void emailTick(runner);
}

function schedule(runner: Runner) {
  if (runner.stopped) return;
  runner.timer = setTimeout(() => void poll(runner).finally(() => schedule(runner)), IDLE_MS);
  runner.timer.unref?.();
}

/** `emailTransport`: tests hand in their own; otherwise Resend from the configuration, or the Mailbox. */
export function startJobRunner(options: { emailTransport?: EmailTransport | null } = {}): void {
  if (globalForJobs.switchboardJobs) return;
  const runner: Runner = { stopped: false, sends: new SendLanes(), emails: { running: false, again: false }, ...options };
  globalForJobs.switchboardJobs = runner;
  setJobKick(kickJobs);
  schedule(runner);
  logger.info("jobs.started");
}

/** Work now (after a reply or an email is queued) instead of at the next tick. */
export function kickJobs(): void {
  const runner = globalForJobs.switchboardJobs;
  if (!runner || runner.stopped) return;
  runner.sends.kick();
  void emailTick(runner);
}

/** Stops claiming; resolves when the sends and the email pass in flight have finished (bounded). */
export async function stopJobRunner(): Promise<void> {
  const runner = globalForJobs.switchboardJobs;
  if (!runner) return;
  runner.stopped = true;
  clearTimeout(runner.timer);
  globalForJobs.switchboardJobs = undefined;
  setJobKick(undefined);
  const until = Date.now() + STOP_WAIT_MS;
  await runner.sends.stop(STOP_WAIT_MS);
  // The email in hand is recorded before the process goes (else it would be sent again after its lock expires).
  while (runner.emails.running && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
}
