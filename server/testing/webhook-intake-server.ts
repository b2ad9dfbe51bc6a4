/**
 * For fault tests: `npm start`'s webhook front alone (server/webhooks/intake.ts on node:http, the same handlers and
 * answers), without Next.js, so a test can put it on a database of its own and stop that database under load.
 * `node --import tsx server/testing/webhook-intake-server.ts` with DATABASE_URL set; prints its port.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { closeDatabase } from "../../db";
import { webhookIntake } from "../webhooks/intake";

const server = createServer((req, res) => {
  if (webhookIntake(req, res)) return;
  res.writeHead(404).end();
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.on("SIGTERM", () => server.close(() => void closeDatabase().finally(() => process.exit(0))));
