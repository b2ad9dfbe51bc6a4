import { Resend } from "resend";
import type { Env } from "../env.js";

export type OutgoingEmail = { from: string; to: string; subject: string; html: string; text: string; idempotencyKey: string };

export type SendOutcome =
  | { ok: true; providerMessageId: string }
  /** retryable: Resend or the network may do better later (5xx, 429, a timeout); otherwise it never will. */
  | { ok: false; retryable: boolean; error: string };

export type EmailTransport = { send(email: OutgoingEmail): Promise<SendOutcome> };

/**
 * Resend through its official SDK. The Idempotency-Key makes a retried send land once — also after a timeout,
 * when the first request may have arrived — so every failure without a refusal is retried.
 */
export function resendTransport({ apiKey, baseUrl, timeoutMs }: { apiKey: string; baseUrl?: string; timeoutMs: number }): EmailTransport {
  const client = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  return {
    async send(email) {
      const signal = AbortSignal.timeout(timeoutMs);
      const { data, error } = await client.emails.send(
        { from: email.from, to: [email.to], subject: email.subject, html: email.html, text: email.text },
        { idempotencyKey: email.idempotencyKey, signal },
      );
      if (data?.id) return { ok: true, providerMessageId: data.id };
      const status = error?.statusCode ?? null;
      const retryable = status === null || status === 409 || status === 429 || status >= 500;
      // The SDK reports its own abort as "unable to fetch": say what happened.
      if (status === null && signal.aborted) return { ok: false, retryable, error: `Resend did not answer within ${Math.round(timeoutMs / 100) / 10} s` };
      const description = error ? `${error.name}: ${error.message}` : "no message id in Resend's answer";
      return { ok: false, retryable, error: status ? `Resend ${status} ${description}` : `Resend unreachable: ${description}` };
    },
  };
}

/** Resend when RESEND_API_KEY is set; null means emails are captured for the local Mailbox page instead. */
export function transportFromEnv(config: Pick<Env, "RESEND_API_KEY" | "RESEND_BASE_URL" | "SEND_TIMEOUT_MS">): EmailTransport | null {
  if (!config.RESEND_API_KEY) return null;
  return resendTransport({ apiKey: config.RESEND_API_KEY, baseUrl: config.RESEND_BASE_URL, timeoutMs: config.SEND_TIMEOUT_MS });
}
