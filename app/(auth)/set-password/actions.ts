"use server";
import { db } from "~/db";
import { DomainError } from "~/server/errors";
import type { MessageKey } from "~/server/i18n";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, setPasswordWithToken } from "~/server/services/users/set-password-with-token";

export type SetPasswordResult = { ok: true; email: string } | { ok: false; error: MessageKey };

/** The set-password form: the token from the emailed link is the only credential. */
export async function setPasswordAction(input: { token: string; password: string; confirm: string }): Promise<SetPasswordResult> {
  const token = typeof input.token === "string" ? input.token : "";
  const password = typeof input.password === "string" ? input.password : "";
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) return { ok: false, error: "people.setPassword.tooShort" };
  if (password !== input.confirm) return { ok: false, error: "people.setPassword.mismatch" };
  try {
    const { email } = await setPasswordWithToken({ db }, { token, password });
    return { ok: true, email };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: error.messageKey as MessageKey };
    throw error;
  }
}
