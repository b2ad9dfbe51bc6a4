/**
 * `npm start`'s web server: the production build of Next.js behind node:http (Next.js's documented custom
 * server), with provider webhook POSTs answered first by server/webhooks/intake.ts — the same handlers as the App
 * Router routes, without the framework's per-request work — and everything else handed to Next.js. Started by the
 * launcher's stack with the app's environment; `node --import tsx server/launcher/app-server.ts <port>`.
 */
import { createServer } from "node:http";
import next from "next";
import { env } from "../env.js";
import { gracefulServer, stopWebInstance } from "./graceful-close";
import { PEER_ADDRESS_HEADER } from "../identity/client-address";
import { transportSecurityHeaders } from "../security-headers.js";
import { webhookIntake } from "../webhooks/intake";

const port = Number(process.argv[2] ?? 3000);
const app = next({ dev: false, port, hostname: "localhost" });
const handle = app.getRequestHandler();
await app.prepare();

// HSTS depends on where the app is served (APP_URL), known at start, not at build: added here to every answer.
const transport = Object.entries(transportSecurityHeaders(env().APP_URL));

const graceful = gracefulServer();
const server = createServer((req, res) => {
  graceful.onRequest(res);
  for (const [name, value] of transport) res.setHeader(name, value);
  if (webhookIntake(req, res)) return;
  // Who connected, for sign-in throttling: route handlers never see the socket. Whatever a client sent is replaced.
  req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
  void handle(req, res);
});
// As `next start` does: keep-alive connections outlive a load balancer's idle timeout.
server.keepAliveTimeout = 65_000;
server.listen(port, () => console.log(`switchboard: listening on http://localhost:${port}`));

// SIGTERM (a rolling restart): nothing in hand is dropped (graceful-close.ts), then exit.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void stopWebInstance(server, graceful, () => app.close())
    .then((requests) => console.log(`switchboard: stopped (requests ${requests})`))
    .finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
