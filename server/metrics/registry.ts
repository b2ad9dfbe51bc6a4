import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";

/**
 * The process's Prometheus registry. Kept on globalThis: `npm start`'s node:http intake (server/webhooks/intake.ts,
 * loaded by tsx) and the Next.js routes (bundled) each load their own copy of this module, and both must count
 * into the one registry that /api/metrics reads.
 *
 * Two kinds of metric (README: Production topology):
 * - counters of what this process answered (webhook requests): per process, as Prometheus expects — each web
 *   instance is scraped and `sum by (provider, status)` adds them up. Only web processes receive webhooks.
 * - gauges of queues, failures, probes and channels, read from the database at scrape time: the worker process
 *   does that work, and the database is where its outcome is, so every instance reports the same numbers
 *   (aggregate with `max`, not `sum`). Labels are fixed enums: no company, channel or user ids.
 */
export type Metrics = ReturnType<typeof createMetrics>;

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "switchboard_process_" });
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    webhookRequests: new Counter({
      name: "switchboard_webhook_requests_total",
      help: "Provider webhook requests answered by this process, by provider and HTTP status",
      labelNames: ["provider", "status"],
      registers: [registry],
    }),
    databaseUp: gauge("switchboard_metrics_database_up", "1 when the database gauges below were read within the scrape deadline, 0 when not (they are then absent)"),
    ingestBacklog: gauge("switchboard_ingest_backlog", "Stored webhook events not processed yet"),
    ingestOldestSeconds: gauge("switchboard_ingest_oldest_unprocessed_seconds", "Age of the oldest stored webhook event not processed yet (0 when none)"),
    deadLetters: gauge("switchboard_ingest_dead_letters", "Webhook events whose processing failed for good (dead letters)"),
    sendQueue: gauge("switchboard_send_queue_depth", "Replies waiting to be sent or being sent"),
    sendFailures: gauge("switchboard_send_failures", "Replies that could not be sent (rows in failed; alert on an increase)"),
    emailQueue: gauge("switchboard_email_queue_depth", "Alert and account emails waiting to be sent"),
    emailFailures: gauge("switchboard_email_failures", "Emails that could not be sent (rows in failed)"),
    channels: gauge("switchboard_channels", "Connected channels by status", ["status"]),
    filesUnreachable: gauge("switchboard_files_unreachable", "1 when files are in object storage but this instance has none configured (S3_* settings missing): they answer 503"),
    probes: gauge("switchboard_channel_probes", "Active channels by their latest health probe: ok, failing (connection lost), never (not probed yet)", ["result"]),
  };
}

const globalForMetrics = globalThis as unknown as { switchboardMetrics?: Metrics };

export function metrics(): Metrics {
  globalForMetrics.switchboardMetrics ??= createMetrics();
  return globalForMetrics.switchboardMetrics;
}

/** Counts a webhook answer. Provider is the webhook endpoint (meta: Messenger and Instagram); the status is the HTTP status code. */
export function countWebhook(provider: "telegram" | "meta" | "vk", status: number): void {
  metrics().webhookRequests.inc({ provider, status: String(status) });
}

/** Runs a webhook handler and counts its answer (a throw counts as 500, as the server then answers). */
export async function countedWebhook<T extends { response: Response }>(provider: "telegram" | "meta" | "vk", work: () => Promise<T>): Promise<T> {
  try {
    const outcome = await work();
    countWebhook(provider, outcome.response.status);
    return outcome;
  } catch (error) {
    countWebhook(provider, 500);
    throw error;
  }
}
