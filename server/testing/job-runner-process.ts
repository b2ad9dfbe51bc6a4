/**
 * For fault tests: the queue runner (replies and emails) alone, as the app process runs it, on the database
 * DATABASE_URL names. `node --import tsx server/testing/job-runner-process.ts`; SIGTERM stops it.
 */
import { closeDatabase } from "../../db";
import { startJobRunner, stopJobRunner } from "../jobs/runner";

startJobRunner();
// The runner's timers do not hold a process open (in the app, the server does): this one does.
const alive = setInterval(() => undefined, 60_000);
process.stdout.write("running\n");
process.on("SIGTERM", () => {
  clearInterval(alive);
  void stopJobRunner().finally(() => void closeDatabase().finally(() => process.exit(0)));
});
