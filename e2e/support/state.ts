import { processEnvironment } from "../../server/env.js";

/** What global setup prepared, handed to the spec workers through the environment. */
export type E2EState = {
  baseURL: string;
  telegramFakeUrl: string;
  vkFakeUrl: string;
  companies: Record<
    string,
    { adminEmail: string; operatorEmail: string; password: string; telegram: { channelId: string; webhookSecret: string; botToken: string } }
  >;
};

export const E2E_STATE_VAR = "SWITCHBOARD_E2E_STATE";

export function e2eState(): E2EState {
  const raw = processEnvironment()[E2E_STATE_VAR];
  if (!raw) throw new Error("e2e state missing: run through `npx playwright test` (global setup)");
  return JSON.parse(raw) as E2EState;
}
