import { Resend } from "resend";
import type { Env } from "../env.js";

export type OutgoingEmail = { from: string; to: string; subject: string; html: string; text: string; idempotencyKey: string };

export type SendOutcome =
  | { ok: true; providerMessageId: string }
  /** retryable: Resend or the network may do better later (5xx, 429, a timeout); otherwise it never will. */
  | { ok: false; retryable: boolean; error: string };

export type EmailTransport = { send(email: OutgoingEmail): Promise<SendOutcome> };

const SEND_TIMEOUT_MS = 15_000;

/** Resend through its official SDK. The Idempotency-Key makes a retried send land once. */
export function resendTransport({ apiKey, baseUrl }: { apiKey: string; baseUrl?: string }): EmailTransport {
  const client = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  return {
    async send(email) {
      const { data, error } = await client.emails.send(
        { from: email.from, to: [email.to], subject: email.subject, html: email.html, text: email.text },
        { idempotencyKey: email.idempotencyKey, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) },
      );
      if (data?.id) return { ok: true, providerMessageId: data.id };
      const status = error?.statusCode ?? null;
      const retryable = status === null || status === 409 || status === 429 || status >= 500;
      const description = error ? `${error.name}: ${error.message}` : "no message id in Resend's answer";
      return { ok: false, retryable, error: status ? `Resend ${status} ${description}` : `Resend unreachable: ${description}` };
    },
  };
}

/** Resend when RESEND_API_KEY is set; null means emails are captured for the local Mailbox page instead. */
export function transportFromEnv(config: Pick<Env, "RESEND_API_KEY" | "RESEND_BASE_URL">): EmailTransport | null {
  if (!config.RESEND_API_KEY) return null;
  return resendTransport({ apiKey: config.RESEND_API_KEY, baseUrl: config.RESEND_BASE_URL });
}
