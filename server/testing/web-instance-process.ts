/**
 * For the rolling-restart test: a web instance as `npm start` runs one, without Next.js — the webhook intake on
 * node:http, the background work of the app process (queue runner, pg-boss, the ingest worker in-process) and the
 * same SIGTERM path (server/launcher/graceful-close.ts) — plus `POST /test/reply`, which calls the reply verb as the
 * inbox's tRPC procedure does, and `POST /test/realtime-auth`, which signs a socket's channel (or sign-in) with this
 * instance's realtime configuration. `node --import tsx server/testing/web-instance-process.ts` with DATABASE_URL set;
 * prints its port.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { closeDatabase, db } from "../../db";
import { startJobRunnerIfEnabled } from "../jobs/start";
import { gracefulServer, stopWebInstance } from "../launcher/graceful-close";
import { kickJobs } from "../queue/kick-jobs";
import { pusherServer } from "../realtime/publish";
import { replyToConversation } from "../services/messages/reply-to-conversation";
import { webhookIntake } from "../webhooks/intake";

type ReplyRequest = { companyId: string; userId: string; conversationId: string; text: string };

startJobRunnerIfEnabled();
const graceful = gracefulServer();
const server = createServer((req, res) => {
  graceful.onRequest(res);
  if (webhookIntake(req, res)) return;
  if (req.method === "POST" && req.url === "/test/reply") {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const input = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReplyRequest;
      void replyToConversation({
        ctx: { db, companyId: input.companyId, actor: { kind: "user", userId: input.userId, role: "operator" } },
        input: { conversationId: input.conversationId, text: input.text, fileIds: [] },
      }).then(
        ({ message }) => {
          kickJobs();
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: message.id }));
        },
        () => res.writeHead(503).end(),
      );
    });
    return;
  }
  if (req.method === "POST" && req.url === "/test/realtime-auth") {
    // What /api/realtime/auth and /api/realtime/user-auth sign, with this instance's configuration (the session
    // check is the app's; this front has no sessions).
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const socketId = form.get("socket_id") ?? "";
      const channel = form.get("channel_name");
      const signed = channel ? pusherServer().authorizeChannel(socketId, channel) : pusherServer().authenticateUser(socketId, { id: form.get("user_id") ?? "test" });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(signed));
    });
    return;
  }
  res.writeHead(404).end();
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void stopWebInstance(server, graceful, () => closeDatabase())
    .then((requests) => process.stdout.write(`stopped ${requests}\n`))
    .finally(() => process.exit(0));
});
