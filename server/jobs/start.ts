import { env } from "../env.js";
import { startJobRunner } from "./runner";

export function startJobRunnerIfEnabled(): void {
  if (env().JOBS_ENABLED) startJobRunner();
}
