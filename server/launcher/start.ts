/**
 * `npm run dev` / `npm start`: starts the embedded services this machine lacks, migrates, seeds the demo
 * company on an empty database, then runs Next.js. Ctrl+C stops everything.
 */
import { seedDemoIfEmpty } from "../../db/seed";
import { env, processEnvironment } from "../env.js";
import { startStack } from "./stack";

const mode = process.argv[2] === "start" ? "start" : "dev";
const port = Number(processEnvironment().PORT ?? new URL(env().APP_URL).port) || 3000;

const stack = await startStack({
  mode,
  port,
  prepare: async (db) => {
    if (await seedDemoIfEmpty(db)) console.log("switchboard: demo company created — sign in as admin@demo.switchboard.test / switchboard");
  },
});
const shutdown = () => void stack.stop().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
stack.app.on("exit", (code) => void stack.stop().then(() => process.exit(code ?? 0)));
